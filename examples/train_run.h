/* One training run as hdnet-train performs it, for every program that trains
 * (hdnet-train, hdnet-speed): the trainer, its logs, checkpoints, state file
 * and meta.json in an output directory, and the test errors of the best network. */
#ifndef HDNET_EXAMPLES_TRAIN_RUN_H
#define HDNET_EXAMPLES_TRAIN_RUN_H

#include <hdnet/hdnet.h>

#include <stddef.h>

typedef struct {
    const char *dir;    /* output directory (exists) */
    const char *recipe; /* recipe name, recorded in meta.json */
    int quick;          /* the --quick preset was applied (printed) */
    int resume;         /* continue from dir/state.npz */
    size_t report;      /* with output piped, a line every `report` updates; 0: updates/20 */
    size_t state_every; /* save dir/state.npz every n updates; 0: only at the end */
    int argc;           /* the command, recorded in meta.json */
    char **argv;
} train_options;

/* The settings of a run saved in dir/state.npz (into cfg) and the recipe recorded
 * in dir/meta.json (into recipe, "unknown" when absent). */
void train_resume_config(const char *dir, hdnet_config *cfg, char *recipe, size_t recipe_cap);

/* Exit with one line naming the options to reduce when a run of cfg (its largest
 * batch, the states kept for backpropagation, the selection set) cannot fit in the
 * memory the process may still allocate. train_run() checks it first too. */
void train_check_memory(const hdnet_config *cfg);

/* Train with cfg as o says (the caller holds the lock on o->dir). Ctrl-C or
 * SIGTERM stops the run early (the outputs and the state are still written).
 * meta.json records how the run ended: finished, interrupted, or failed with the
 * error (also when a later step exits). Returns the exit status: 0 finished,
 * 128 + signal interrupted, 1 diverged (the best network so far is kept) or the
 * state could not be saved; exits on other errors, also when o->dir was removed
 * during the run. */
int train_run(const hdnet_config *cfg, const train_options *o);

#endif
