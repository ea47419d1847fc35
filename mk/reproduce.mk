# `make reproduce`: train (or reuse) the example network, run the analyses, the
# perturbations and the speed experiment, and write results/REPORT.md and
# results/report.csv (one line per check of docs/analyses.md). Budget: 30 min on 2 cores.
#
# Variables: RESULTS (results), REPRO_SEED (1), REPRO_RECIPE (paper), REPRO_THREADS (2),
# REPRO_UPDATES (empty: the recipe's), REPRO_TRIALS (2000), REPRO_STEPS (1000),
# REPRO_SPEED_SEEDS (3), REPRO_SPEED_UPDATES (2500; empty: the recipe's),
# REPRO_SPEED_CURRICULUM (800 curriculum updates; empty: the recipe's), REPRO_SPEED_TRIALS (1000),
# REPRO_REFERENCE (0; 1 also trains the `reference` recipe for the R1 comparison),
# REPRO_INIT (orthogonal: the MATLAB reference's initialisation, which the paper's network
# presumably had, and the library default; `pytorch` is the PyTorch reference's; see
# docs/reproduction.md).
# Existing networks under $(RESULTS)/nets and $(RESULTS)/speed/speed are reused;
# delete them to retrain.

RESULTS            ?= results
REPRO_SEED         ?= 1
REPRO_RECIPE       ?= paper
REPRO_THREADS      ?= 2
REPRO_UPDATES      ?=
REPRO_TRIALS       ?= 2000
REPRO_STEPS        ?= 1000
REPRO_SPEED_SEEDS  ?= 3
# The nine speed-experiment networks get a shortened paper recipe (about 1.5 min each
# with 2 threads instead of 7.5) so that the whole run fits in 30 minutes.
REPRO_SPEED_UPDATES ?= 2500
REPRO_SPEED_CURRICULUM ?= 800
REPRO_SPEED_TRIALS ?= 1000
REPRO_REFERENCE    ?= 0
REPRO_INIT         ?= orthogonal

REPRO_NET := $(RESULTS)/nets/$(REPRO_RECIPE)-$(REPRO_INIT)-s$(REPRO_SEED)
REPRO_UPD_ARG := $(if $(REPRO_UPDATES),--updates $(REPRO_UPDATES))
REPRO_SPEED_UPD_ARG := $(if $(REPRO_SPEED_UPDATES),--updates $(REPRO_SPEED_UPDATES)) \
	$(if $(REPRO_SPEED_CURRICULUM),--train-set curriculum_updates=$(REPRO_SPEED_CURRICULUM)) \
	--train-set init=$(REPRO_INIT)

.PHONY: reproduce reproduce-train reproduce-analyze reproduce-lesion reproduce-speed reproduce-report \
        reproduce-attractor

reproduce: examples
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory reproduce-train && \
	$(MAKE) --no-print-directory reproduce-analyze && \
	$(MAKE) --no-print-directory reproduce-lesion && \
	$(MAKE) --no-print-directory reproduce-speed && \
	$(MAKE) --no-print-directory reproduce-attractor; \
	rc=$$?; \
	$(MAKE) --no-print-directory reproduce-report REPRO_SECONDS=$$(( $$(date +%s) - start )); \
	exit $$rc

reproduce-train: examples
	@mkdir -p $(RESULTS)/nets
	@if [ -f $(REPRO_NET)/model.npz ]; then echo "reproduce: reusing $(REPRO_NET)/model.npz"; \
	else ./examples/hdnet-train --out $(REPRO_NET) --recipe $(REPRO_RECIPE) --seed $(REPRO_SEED) \
		--set init=$(REPRO_INIT) --threads $(REPRO_THREADS) $(REPRO_UPD_ARG) --report 250 \
		| tee $(REPRO_NET).txt; fi
	@if [ "$(REPRO_REFERENCE)" = 1 ]; then \
		if [ -f $(RESULTS)/nets/reference-s$(REPRO_SEED)/model.npz ]; then echo "reproduce: reusing the reference-recipe network"; \
		else ./examples/hdnet-train --out $(RESULTS)/nets/reference-s$(REPRO_SEED) --recipe reference \
			--seed $(REPRO_SEED) --threads $(REPRO_THREADS) --report 250 | tee $(RESULTS)/nets/train-reference-s$(REPRO_SEED).txt; fi; fi

reproduce-analyze: examples
	@ckpt0=$$(ls $(REPRO_NET)/ckpt_0.npz $(REPRO_NET)/ckpt_00000.npz 2>/dev/null | head -1); \
	./examples/hdnet-analyze $(REPRO_NET)/model.npz --out $(RESULTS)/analysis --trials $(REPRO_TRIALS) \
		--steps $(REPRO_STEPS) $${ckpt0:+--untrained $$ckpt0}
	@if [ "$(REPRO_REFERENCE)" = 1 ]; then ./examples/hdnet-analyze $(RESULTS)/nets/reference-s$(REPRO_SEED)/model.npz \
		--out $(RESULTS)/analysis-reference --trials $(REPRO_TRIALS) --steps $(REPRO_STEPS) --no-plots > /dev/null; fi

reproduce-lesion: examples
	./examples/hdnet-lesion $(REPRO_NET)/model.npz --out $(RESULTS)/lesion --units $(RESULTS)/analysis/units.csv

# The speed-1, seed-1 network of the paper recipe is the main network: linked, not retrained.
reproduce-speed: examples
	@if [ -z "$(REPRO_SPEED_UPDATES)" ] && [ -z "$(REPRO_UPDATES)" ] && [ "$(REPRO_RECIPE)" = paper ] && [ "$(REPRO_SEED)" = 1 ] \
		&& [ -f $(REPRO_NET)/model.npz ] && [ ! -e $(RESULTS)/speed/speed/1/1/model.npz ]; then \
		mkdir -p $(RESULTS)/speed/speed/1/1 && ln -s ../../../../nets/$(notdir $(REPRO_NET))/model.npz $(RESULTS)/speed/speed/1/1/model.npz; fi
	./examples/hdnet-speed --out $(RESULTS)/speed --seeds $(REPRO_SPEED_SEEDS) --threads $(REPRO_THREADS) \
		--trials $(REPRO_SPEED_TRIALS) $(REPRO_SPEED_UPD_ARG)

# Fixed and slow points, gain, diffusion, long trials and rank truncation (docs/attractor.md);
# the untrained checkpoint is the null.
reproduce-attractor: examples
	@ckpt0=$$(ls $(REPRO_NET)/ckpt_0.npz $(REPRO_NET)/ckpt_00000.npz 2>/dev/null | head -1); \
	./examples/hdnet-attractor $(REPRO_NET)/model.npz --out $(RESULTS)/attractor --threads $(REPRO_THREADS) \
		$${ckpt0:+--untrained $$ckpt0}

# REPORT.md: the check lines in order R1..R15, then the figures; report.csv: all rows.
reproduce-report:
	@set -e; out=$(RESULTS)/REPORT.md; csv=$(RESULTS)/report.csv; \
	head -n 1 $(RESULTS)/analysis/criteria.csv > $$csv 2>/dev/null || echo "id,claim,measured,criterion,status,value,null_low,null_high,ci_low,ci_high" > $$csv; \
	for d in analysis lesion speed; do f=$(RESULTS)/$$d/criteria.csv; [ -f $$f ] && tail -n +2 $$f >> $$csv; done; \
	if [ "$(REPRO_REFERENCE)" = 1 ] && [ -f $(RESULTS)/analysis-reference/criteria.csv ]; then \
		grep '^R1,' $(RESULTS)/analysis-reference/criteria.csv | sed 's/^R1,"accuracy"/R1r,"accuracy, reference recipe (criterion NE <= 5%; informational here)"/; s/,PASS$$/,INFO/; s/,FAIL$$/,INFO/' >> $$csv; fi; \
	{ echo "# Reproduction report"; echo; \
	  echo "Generated by \`make reproduce\` on $$(date -u '+%Y-%m-%d %H:%M UTC') from $$(git describe --always --dirty 2>/dev/null || echo 'an unversioned tree')."; \
	  echo "Network: \`$(REPRO_NET)/model.npz\` (recipe $(REPRO_RECIPE), init $(REPRO_INIT), seed $(REPRO_SEED)); analysis set $(REPRO_TRIALS) x $(REPRO_STEPS) steps;"; \
	  echo "speed experiment: $(REPRO_SPEED_SEEDS) seeds per speed$(if $(REPRO_SPEED_UPDATES), $(REPRO_SPEED_UPDATES) updates each)$(if $(REPRO_SPEED_CURRICULUM), ($(REPRO_SPEED_CURRICULUM) on the curriculum)). Wall time $${REPRO_SECONDS:-?} s."; \
	  echo "Criteria are the project's (docs/analyses.md); numbers tagged paper are the paper's."; echo; \
	  echo "## Checks"; echo; \
	  for id in R0 R1 R2 R3 R3i R4 R5 R6 R6s R7 R8 R9 R10 R11 R11m R12 R13 R13i R13s R14 R14i R15; do \
	    for d in analysis lesion speed; do f=$(RESULTS)/$$d/criteria.txt; \
	      [ -f $$f ] && grep "^$$id " $$f | sed 's/^/- /' || true; done; done; \
	  missing=""; for id in R1 R2 R3 R4 R5 R6 R7 R8 R9 R10 R11 R12 R13 R14 R15; do \
	    grep -q "^$$id," $$csv || missing="$$missing $$id"; done; \
	  [ -n "$$missing" ] && { echo; echo "Not evaluated (a step failed or was skipped):$$missing"; } || true; \
	  if [ -f $(RESULTS)/attractor/attractor.txt ]; then echo; echo "## Attractor (docs/attractor.md)"; echo; \
	    sed 's/^/- /' $(RESULTS)/attractor/attractor.txt; fi; \
	  echo; echo "## Figures"; echo; \
	  for fg in analysis/fig1_task analysis/fig2_tuning analysis/fig2_av analysis/fig2_scatter analysis/fig2_tiling \
	            analysis/fig3_wsorted analysis/fig3_profiles lesion/fig4_lesion speed/fig5_speed \
	            analysis/fig9_maps_untrained analysis/fig9_maps attractor/fig_attractor; do \
	    [ -f $(RESULTS)/$$fg.png ] && echo "![$$fg]($$fg.png)" && echo || true; done; \
	} > $$out; \
	echo "reproduce: wrote $$out and $$csv"; \
	awk -F, 'NR > 1 { n[$$(NF - 5)]++ } END { printf "reproduce: %d PASS, %d FAIL, %d WARN, %d INFO, %d NOT_APPLICABLE\n", n["PASS"], n["FAIL"], n["WARN"], n["INFO"], n["NOT_APPLICABLE"] }' $$csv
