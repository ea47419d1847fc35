# Sanitizer and valgrind runs of the whole Check suite.
#   make check-asan       AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer)
#   make check-valgrind   memcheck, no forking, leaks are errors
# Objects go to build/<variant>/ so they never mix with the normal build.

kernel_flags = $(if $(findstring _avx512,$1),-mavx512f -mavx512vl -mfma,$(if $(findstring _avx2,$1),-mavx2 -mfma))

ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_LIB_OBJS := $(patsubst lib/%.c,build/asan/lib/%.o,$(LIB_SRCS))
ASAN_TEST_OBJS := $(patsubst tests/%.o,build/asan/tests/%.o,$(TEST_OBJS))

build/asan/lib/%.o: lib/%.c $(LIB_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(LIB_CFLAGS) $(call kernel_flags,$*) -c $< -o $@

build/asan/tests/kernel_avx512_emulated.o: lib/model/kernel_avx512.c lib/model/kernel_simd.h
build/asan/tests/%.o: tests/%.c $(wildcard tests/*.h) tests/suites.h $(HEADERS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -Ilib -Itests $(CHECK_CFLAGS) \
		$(if $(findstring _emulated,$*),$(EMULATED_CFLAGS)) -c $< -o $@

build/asan/check_hdnet: $(ASAN_LIB_OBJS) $(ASAN_TEST_OBJS)
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

# Instrumented code runs several times slower: Check's per-test timeouts are stretched.
ASAN_TIMEOUT_MULTIPLIER ?= 5
.PHONY: check-asan check-valgrind
check-asan: build/asan/check_hdnet
	$(Q)cd tests && CK_TIMEOUT_MULTIPLIER=$(ASAN_TIMEOUT_MULTIPLIER) ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ../build/asan/check_hdnet

# Check's fork mode is off so valgrind follows every test in one process.
VALGRIND_TAGS ?= slow
check-valgrind: tests/check_hdnet
	$(Q)cd tests && CK_FORK=no CK_EXCLUDE_TAGS=$(VALGRIND_TAGS) valgrind -q --error-exitcode=99 \
		--leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		--show-leak-kinds=definite,indirect,possible ./check_hdnet
