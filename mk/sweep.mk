# hdnet-sweep: many networks from one sweep file (examples/sweep/, docs/cluster.md).
#   make examples                 builds examples/hdnet-sweep; with MPI when mpicc is found
#   make MPI=1 / MPI=0            force the MPI engine on / off
#   make check-sweep              engines give identical tables; kill and resume (tests/sweep_engines.sh)
#   make check-slurm              a real single-node Slurm runs a sweep as a job array (as root)
#   make reproduce-seeds          the paper's findings as rates across seeds (results/SEEDS.md)
#   make gate-bf16                grad_precision=bf16 against those networks (bench/ne_gate.py)
MPICC ?= mpicc
MPI   ?= $(if $(shell command -v $(MPICC) 2>/dev/null),1,0)

SWEEP_SRCS := $(filter-out examples/sweep/farm_mpi.c,$(sort $(wildcard examples/sweep/*.c)))
SWEEP_OBJS := $(SWEEP_SRCS:.c=.o)
SWEEP_HDRS := examples/sweep/sweep.h
# The MPI object is named after the mode, so that switching MPI= rebuilds it.
SWEEP_MPI_OBJ := examples/sweep/farm_mpi$(MPI).o
ifeq ($(MPI),1)
SWEEP_CC := $(MPICC)
else
SWEEP_CC := $(CC)
endif

examples/sweep/%.o: examples/sweep/%.c $(SWEEP_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -c $< -o $@

examples/sweep/farm_mpi0.o: examples/sweep/farm_mpi.c $(SWEEP_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -c $< -o $@

examples/sweep/farm_mpi1.o: examples/sweep/farm_mpi.c $(SWEEP_HDRS) $(HEADERS)
	@$(if $(Q),echo "  MPICC   $@")
	$(Q)$(MPICC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -DHDNET_SWEEP_MPI -c $< -o $@

# The engine choice of the last link: switching MPI= relinks.
examples/sweep/mpi-mode: FORCE
	$(Q)echo $(MPI) | cmp -s - $@ || echo $(MPI) > $@

examples/hdnet-sweep: examples/hdnet-sweep.c $(SWEEP_OBJS) $(SWEEP_MPI_OBJ) $(SWEEP_HDRS) examples/libcli.a \
		examples/sweep/mpi-mode lib/libhdnet.so
	@$(if $(Q),echo "  CC      $@$(if $(filter 1,$(MPI)), (MPI))")
	$(Q)$(SWEEP_CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -Iexamples $(LDFLAGS) $< $(SWEEP_OBJS) $(SWEEP_MPI_OBJ) \
		examples/libcli.a -o $@ $(PROG_LDFLAGS) -lhdnet -lm

# The engine's unit tests (tests/test_sweep.c) link the module without MPI.
TEST_OBJS += $(SWEEP_OBJS) examples/sweep/farm_mpi0.o
tests/check_hdnet: $(SWEEP_OBJS) examples/sweep/farm_mpi0.o
tests/test_sweep.o: $(SWEEP_HDRS)

ASAN_SWEEP_OBJS := $(patsubst examples/sweep/%.o,build/asan/sweep/%.o,$(SWEEP_OBJS) examples/sweep/farm_mpi0.o)
build/asan/sweep/farm_mpi0.o: examples/sweep/farm_mpi.c $(SWEEP_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -c $< -o $@
build/asan/sweep/%.o: examples/sweep/%.c $(SWEEP_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -c $< -o $@
build/asan/check_hdnet: $(ASAN_SWEEP_OBJS)

.PHONY: check-sweep check-slurm clean-sweep
check-sweep: examples/hdnet-sweep
	$(Q)sh tests/sweep_engines.sh

check-slurm: examples/hdnet-sweep
	$(Q)sh tests/slurm/sweep_slurm.sh

clean-sweep:
	rm -f examples/sweep/*.o examples/sweep/mpi-mode examples/hdnet-sweep
clean: clean-sweep

# ---- make reproduce-seeds: the paper's findings as rates across seeds ----
# Two sweeps through hdnet-sweep, then $(RESULTS)/SEEDS.md:
#   $(SEEDS_OUT)/init.sweep   the default recipe, vary init = $(SEEDS_INITS), seeds 1..$(SEEDS_N)
#   $(SEEDS_OUT)/speed.sweep  vary speed = $(SEEDS_SPEEDS), init $(SEEDS_SPEED_INIT), seeds 1..$(SEEDS_SPEED_N)
# Variables: SEEDS_N (8), SEEDS_INITS (pytorch orthogonal), SEEDS_RECIPE (paper),
# SEEDS_UPDATES (empty: the recipe's), SEEDS_SPEEDS (0.1 1 3), SEEDS_SPEED_N (3),
# SEEDS_SPEED_INIT (orthogonal), SEEDS_TRIALS x SEEDS_STEPS (2000 x 1000: the analysis set),
# SEEDS_TEST_TRIALS (1000), SEEDS_SET (extra name=value settings, blank-separated),
# SEEDS_JOBS (one per core), SEEDS_OUT ($(RESULTS)/seeds). Finished runs are kept:
# rerunning resumes; raising SEEDS_N adds seeds without redoing the others.
# Full run: make reproduce-seeds (about 25 networks x 7-15 min of one core each).
SEEDS_N           ?= 8
SEEDS_INITS       ?= pytorch orthogonal
SEEDS_RECIPE      ?= paper
SEEDS_UPDATES     ?=
SEEDS_SPEEDS      ?= 0.1 1 3
SEEDS_SPEED_N     ?= 3
SEEDS_SPEED_INIT  ?= orthogonal
SEEDS_TRIALS      ?= 2000
SEEDS_STEPS       ?= 1000
SEEDS_TEST_TRIALS ?= 1000
SEEDS_SET         ?=
SEEDS_JOBS        ?= $(shell nproc 2>/dev/null || echo 1)
SEEDS_OUT         ?= $(RESULTS)/seeds

# the lines every sweep of reproduce-seeds shares
define seeds_common
	echo "recipe = $(SEEDS_RECIPE)"; \
	if [ -n "$(SEEDS_UPDATES)" ]; then echo "updates = $(SEEDS_UPDATES)"; fi; \
	for kv in $(SEEDS_SET); do echo "$$kv" | sed 's/=/ = /'; done; \
	echo "sweep.analysis_trials = $(SEEDS_TRIALS)"; echo "sweep.analysis_steps = $(SEEDS_STEPS)"; \
	echo "sweep.test_trials = $(SEEDS_TEST_TRIALS)"
endef

.PHONY: reproduce-seeds reproduce-seeds-report
reproduce-seeds: examples/hdnet-sweep
	@mkdir -p $(SEEDS_OUT)
	@{ echo "# make reproduce-seeds: initialisations"; $(seeds_common); \
	   echo "vary init = $(SEEDS_INITS)"; echo "seeds = 1..$(SEEDS_N)"; echo "sweep.out = init"; \
	 } > $(SEEDS_OUT)/init.sweep
	@{ echo "# make reproduce-seeds: turning speed"; $(seeds_common); echo "init = $(SEEDS_SPEED_INIT)"; \
	   echo "vary speed = $(SEEDS_SPEEDS)"; echo "seeds = 1..$(SEEDS_SPEED_N)"; echo "sweep.out = speed"; \
	 } > $(SEEDS_OUT)/speed.sweep
	@start=$$(date +%s); rc=0; \
	for s in init speed; do \
		./examples/hdnet-sweep run $(SEEDS_OUT)/$$s.sweep --jobs $(SEEDS_JOBS) || rc=1; \
		./examples/hdnet-sweep collect $(SEEDS_OUT)/$$s.sweep || rc=1; \
	done; \
	$(MAKE) --no-print-directory reproduce-seeds-report SEEDS_SECONDS=$$(( $$(date +%s) - start )); \
	exit $$rc

# SEEDS.md from the two collected sweeps (links relative to $(RESULTS)).
reproduce-seeds-report:
	@set -e; out=$(RESULTS)/SEEDS.md; rel=$$(echo "$(SEEDS_OUT)" | sed 's|^$(RESULTS)/||'); \
	{ echo "# The paper's findings across seeds"; echo; \
	  echo "Generated by \`make reproduce-seeds\` on $$(date -u '+%Y-%m-%d %H:%M UTC') from $$(git describe --always --dirty 2>/dev/null || echo 'an unversioned tree'); $(if $(SEEDS_SECONDS),wall time $(SEEDS_SECONDS) s,no single wall time: the sweeps ran in pieces (each run's process_seconds and cpu_seconds are in table.csv)) with $(SEEDS_JOBS) worker process(es) on $$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)."; \
	  echo "Recipe $(SEEDS_RECIPE)$(if $(SEEDS_UPDATES), with $(SEEDS_UPDATES) updates, with the recipe's updates)$(if $(SEEDS_SET), and $(SEEDS_SET)); analysis set $(SEEDS_TRIALS) trials x $(SEEDS_STEPS) steps; test errors on $(SEEDS_TEST_TRIALS) trials."; \
	  echo "Rates count the runs whose verdict is PASS among those judged PASS or FAIL; intervals are 95 % Wilson score intervals."; \
	  echo "Sweep files, per-run tables (table.csv) and summaries (summary.csv, summary.json) are in \`$$rel/\`."; echo; \
	  echo "## Initialisations ($(SEEDS_INITS)), seeds 1..$(SEEDS_N)"; echo; \
	  cat $(SEEDS_OUT)/init/summary.md 2>/dev/null || echo "(not collected)"; echo; \
	  for f in sweep_values sweep_rates; do [ -f $(SEEDS_OUT)/init/$$f.png ] && echo "![$$f]($$rel/init/$$f.png)" && echo || true; done; \
	  echo "## Turning speed ($(SEEDS_SPEEDS); init $(SEEDS_SPEED_INIT)), seeds 1..$(SEEDS_SPEED_N)"; echo; \
	  cat $(SEEDS_OUT)/speed/summary.md 2>/dev/null || echo "(not collected)"; echo; \
	  for f in sweep_values sweep_rates; do [ -f $(SEEDS_OUT)/speed/$$f.png ] && echo "![$$f]($$rel/speed/$$f.png)" && echo || true; done; \
	} > $$out; echo "reproduce-seeds: wrote $$out"

# ---- make gate-bf16: training with grad_precision=bf16 against the float networks ----
# GATE_N seeds (8) of the default recipe with bf16 gradient sums, analysed as
# reproduce-seeds analyses, then bench/ne_gate.py against the orthogonal networks of
# $(SEEDS_OUT)/init (make reproduce-seeds first). docs/performance-notes.md has the rule.
GATE_N ?= 8
.PHONY: gate-bf16
gate-bf16: examples/hdnet-sweep
	@[ -f $(SEEDS_OUT)/init/table.csv ] || { echo "gate-bf16: no $(SEEDS_OUT)/init/table.csv: run make reproduce-seeds first"; exit 1; }
	@{ echo "# make gate-bf16: grad_precision = bf16"; $(seeds_common); echo "grad_precision = bf16"; \
	   echo "seeds = 1..$(GATE_N)"; echo "sweep.out = bf16"; } > $(SEEDS_OUT)/bf16.sweep
	./examples/hdnet-sweep run $(SEEDS_OUT)/bf16.sweep --jobs $(SEEDS_JOBS)
	./examples/hdnet-sweep collect $(SEEDS_OUT)/bf16.sweep
	python3 bench/ne_gate.py $(SEEDS_OUT)/init/table.csv $(SEEDS_OUT)/bf16/table.csv --ref-where init=orthogonal

# The ASan build of the programs (mk/sanitize_programs.mk): hdnet-sweep with its engine, without MPI.
build/asan/examples/hdnet-sweep: examples/hdnet-sweep.c $(SWEEP_HDRS) build/asan/examples/libcli.a $(ASAN_SWEEP_OBJS) \
		$(ASAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -Iexamples $< $(ASAN_SWEEP_OBJS) build/asan/examples/libcli.a \
		$(ASAN_LIB_OBJS) -o $@ $(LIBS)
