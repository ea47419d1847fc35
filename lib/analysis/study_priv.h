/* Private to the claims module (study.c, claims.c): the study's contents. */
#ifndef HDNET_STUDY_PRIV_H
#define HDNET_STUDY_PRIV_H

#include "hdnet/claims.h"
#include "analysis/analysis_priv.h"

struct hdnet_study {
    hdnet_aparams params;
    size_t N, B, T, cue;
    double speed;
    float *x, *y, *mask, *out; /* analysis set [B][T][3], [B][T][2], and the outputs */
    double *th, *av;           /* [B][T], radians */
    float *w;                  /* W_rec [N][N] */
    float *w0;                 /* W_rec of the untrained network [N][N], or NULL */
    hdnet_tuning *t[2];        /* trained, untrained (or NULL) */
    double ne, ne500, ne0;
    double ne_hold;            /* error of holding the cued heading (NaN without a cue) */
    double rho[HDNET_STUDY_AUTOCORR_LAGS];
    int pass2_skipped;
    uint64_t seed;
    /* trust (trust.h): the trained network's bootstrap (NULL when pass 2 was skipped), its
     * findings and the untrained network's (NaN when not computed), and the nulls */
    hdnet_boot *boot;
    double find[HDNET_F_COUNT], find0[HDNET_F_COUNT];
    double wiring_ci[2 * HDNET_F_COUNT]; /* jackknife intervals over units of the wiring findings (NaN elsewhere) */
    double *net_nulls, *wiring_nulls; /* [n_nulls][HDNET_F_COUNT] */
    size_t n_nulls;
};

/* Bootstrap blocks and resamples of a study. */
#define HDNET__STUDY_BLOCKS 20
#define HDNET__STUDY_BOOT 200

#endif
