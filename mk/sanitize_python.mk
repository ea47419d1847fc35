# The same tests against the AddressSanitizer + UBSan build of the library (use after
# free, overflows in the C code the binding reaches). The interpreter itself is not
# instrumented: libasan is preloaded, and leak detection is off (CPython keeps memory
# until exit by design).
ASAN_SONAME_LIB := build/asan/libhdnet.so
$(ASAN_SONAME_LIB): $(ASAN_LIB_OBJS)
	$(Q)$(CC) $(ASAN_CFLAGS) -shared -o $@ $(ASAN_LIB_OBJS) $(LIBS)

.PHONY: check-python-asan
check-python-asan: $(ASAN_SONAME_LIB)
	$(Q)LD_PRELOAD="$$($(CC) -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 HDNET_LIBRARY=$(CURDIR)/$(ASAN_SONAME_LIB) \
		$(PYTHON) -m unittest discover -s bindings/python/tests
