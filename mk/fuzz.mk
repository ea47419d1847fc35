# Fuzzing of the file readers with libFuzzer (clang, ASan + UBSan).
#   make fuzz [FUZZ_SECONDS=60]   build build/fuzz/fuzz_npz and fuzz for that long; the
#                                 working corpus grows in build/fuzz/corpus (seeded from
#                                 tests/fuzz/corpus), crashes land in tests/fuzz/crashes/
#   make fuzz-regress             run every committed seed and crash input once
# Library sources are compiled with coverage instrumentation into build/fuzz/.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
fuzz_kernel_flags = $(if $(findstring _avx512,$1),-mavx512f -mavx512vl -mfma,$(if $(findstring _avx2,$1),-mavx2 -mfma))
FUZZ_LIB_OBJS := $(patsubst lib/%.c,build/fuzz/lib/%.o,$(LIB_SRCS))

build/fuzz/lib/%.o: lib/%.c $(LIB_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(LIB_CFLAGS) \
		$(call fuzz_kernel_flags,$*) -c $< -o $@

build/fuzz/fuzz_npz: tests/fuzz/fuzz_npz.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(BASE_CFLAGS) \
		tests/fuzz/fuzz_npz.c $(FUZZ_LIB_OBJS) -o $@ $(LIBS)

.PHONY: fuzz fuzz-regress fuzz-clean
fuzz: build/fuzz/fuzz_npz
	@mkdir -p build/fuzz/corpus tests/fuzz/crashes
	build/fuzz/fuzz_npz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 \
		-print_final_stats=1 \
		-artifact_prefix=tests/fuzz/crashes/ build/fuzz/corpus tests/fuzz/corpus

fuzz-regress: build/fuzz/fuzz_npz
	build/fuzz/fuzz_npz -rss_limit_mb=2048 $(wildcard tests/fuzz/corpus/* tests/fuzz/crashes/*)

fuzz-clean:
	rm -rf build/fuzz

# ---- configuration parsing (hdnet_config_from_string) ----
#   make fuzz-config [FUZZ_SECONDS=60]  fuzz the config text parser; working corpus in
#                                       build/fuzz/corpus_config (seeded from
#                                       tests/fuzz/corpus_config), crashes land in
#                                       tests/fuzz/crashes/config-*
#   `make fuzz` and `make fuzz-regress` run this target too.
build/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(BASE_CFLAGS) \
		tests/fuzz/fuzz_config.c $(FUZZ_LIB_OBJS) -o $@ $(LIBS)

.PHONY: fuzz-config fuzz-config-regress
fuzz-config: build/fuzz/fuzz_config
	@mkdir -p build/fuzz/corpus_config tests/fuzz/crashes
	build/fuzz/fuzz_config -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -rss_limit_mb=2048 \
		-print_final_stats=1 -dict=tests/fuzz/config.dict \
		-artifact_prefix=tests/fuzz/crashes/config- build/fuzz/corpus_config tests/fuzz/corpus_config

fuzz-config-regress: build/fuzz/fuzz_config
	build/fuzz/fuzz_config -rss_limit_mb=2048 $(wildcard tests/fuzz/corpus_config/* tests/fuzz/crashes/config-*)

fuzz: fuzz-config
fuzz-regress: fuzz-config-regress
