# make check-programs-asan (after sanitize.mk, whose objects it links): the example programs built with AddressSanitizer + UBSan
# (library objects of build/asan linked in) and run through tests/programs.sh and
# tests/programs_hostile.sh with LeakSanitizer on: no leak on any exit, error exits
# included. Binaries go to build/asan/examples/ (plot scripts linked beside them).
ASAN_EX_HELPERS := $(patsubst examples/%.c,build/asan/examples/%.o,$(EX_HELPERS))
ASAN_EX_BINS := $(patsubst examples/%,build/asan/examples/%,$(EX_BINS))
.SECONDARY: $(ASAN_EX_HELPERS)

build/asan/examples/%.o: examples/%.c examples/*.h $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -c $< -o $@

build/asan/examples/libcli.a: $(ASAN_EX_HELPERS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

build/asan/examples/%: examples/%.c examples/*.h build/asan/examples/libcli.a $(ASAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) $< build/asan/examples/libcli.a $(ASAN_LIB_OBJS) -o $@ $(LIBS)

.PHONY: check-programs-asan
check-programs-asan: $(ASAN_EX_BINS)
	$(Q)ln -sfn ../../../examples/plot build/asan/examples/plot
	$(Q)HDNET_EXAMPLES=build/asan/examples ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/programs.sh
	$(Q)HDNET_EXAMPLES=build/asan/examples ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/programs_hostile.sh
