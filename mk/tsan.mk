# ThreadSanitizer run of tests/tsan_threads.c (separate handles on several
# threads, const calls on one shared network, the engine's worker threads).
#   make check-tsan [TSAN_CC=clang]
# Library sources are rebuilt with -fsanitize=thread into build/tsan/. The BLAS
# is left out (HDNET_NO_BLAS): an uninstrumented BLAS with its own threads would
# hide or fake races; the plain-C fallback is instrumented like the rest.

TSAN_CC     ?= $(shell command -v clang >/dev/null 2>&1 && echo clang || echo $(CC))
TSAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
tsan_kernel_flags = $(if $(findstring _avx512,$1),-mavx512f -mavx512vl -mfma,$(if $(findstring _avx2,$1),-mavx2 -mfma))
TSAN_LIB_OBJS := $(patsubst lib/%.c,build/tsan/lib/%.o,$(LIB_SRCS))

build/tsan/lib/%.o: lib/%.c $(LIB_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(TSAN_CC) $(CPPFLAGS) $(TSAN_CFLAGS) $(filter-out $(BLAS_CFLAGS),$(LIB_CFLAGS)) \
		-DHDNET_NO_BLAS $(call tsan_kernel_flags,$*) -c $< -o $@

build/tsan/tsan_threads: tests/tsan_threads.c $(TSAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)$(TSAN_CC) $(CPPFLAGS) $(TSAN_CFLAGS) $(BASE_CFLAGS) tests/tsan_threads.c \
		$(TSAN_LIB_OBJS) -o $@ $(LAPACK_LIBS) -lm -pthread

.PHONY: check-tsan
check-tsan: build/tsan/tsan_threads
	$(Q)TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/tsan/tsan_threads
