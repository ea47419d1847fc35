/* The data files of hdnet-analyze (docs/analyses.md): one writer per group of
 * files, from a study, its units and the network's weights. */
#ifndef HDNET_EXAMPLES_ANALYZE_FILES_H
#define HDNET_EXAMPLES_ANALYZE_FILES_H

#include "cli.h"

/* joint_maps[_untrained].npz and the map grid. */
void analyze_write_maps(const char *out, const hdnet_tuning *t, int untrained, const size_t *order);
/* hd_tuning.npz, and av_tuning.npz when the AV analyses ran. */
void analyze_write_tuning(const char *out, const hdnet_tuning *t, const cli_units *u, int have_av);
/* input_stats.npz, input_stats.json and av_hist.dat. */
void analyze_write_inputs(const char *out, const hdnet_study *s, const hdnet_tuning *t);
/* confusion.csv (rows: reference rule, columns: adaptive rule), also printed. */
void analyze_write_confusion(const char *out, const cli_units *u);
/* tiling.csv (both rules) and tiling.dat (adaptive rule). */
void analyze_write_tiling(const char *out, const cli_units *u);
/* w_sorted.npz, w_sorted.dat and w_sorted_meta.gp: W_rec of the kept units in block order. */
void analyze_write_weights(const char *out, const float *w, const cli_units *u);
/* profiles.csv and pairs.csv for every pair of groups (C, CCW, CW; pos, neg), on the true
 * and (prefix dec:) the decoded heading; profiles_main.dat and pairs_main.dat for the
 * figures (C, CCW and CW onto C). */
void analyze_write_profiles(const char *out, const float *w, const cli_units *u, const hdnet_aparams *ap);
/* units_untrained.csv */
void analyze_write_untrained_units(const char *out, const hdnet_tuning *t0, size_t N);
/* units_interval.csv: each unit's interval-rule class and class probabilities. */
void analyze_write_interval_units(const char *out, const hdnet_study *s, size_t N);
/* task_example.npz, test_outputs.npz and test_trace.dat from the first trials. */
void analyze_write_trials(const char *out, const hdnet_study *s, size_t B, size_t T);
/* curves_examples.dat and av_examples.dat (the unit of each class with the largest S),
 * units_plot.dat and plot_meta.gp. */
void analyze_write_figure_data(const char *out, const hdnet_tuning *t, const cli_units *u, int have_av, double ne,
                               const char *model);

#endif
