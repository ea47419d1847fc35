# libhdnet — build, test and install.  `make help` lists the targets.

PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
# PREFIX=/usr installs into the multiarch directory, as Debian does (/usr/lib/x86_64-linux-gnu).
MULTIARCH    ?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch 2>/dev/null)
LIBDIR       ?= $(EXEC_PREFIX)/lib$(if $(and $(filter /usr,$(PREFIX)),$(MULTIARCH)),/$(MULTIARCH))
INCLUDEDIR   ?= $(PREFIX)/include
BINDIR       ?= $(EXEC_PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR      ?=
INSTALL      ?= install
CC           ?= cc
CXX          ?= c++
CFLAGS       ?= -O2 -g
CXXFLAGS     ?= -O2 -g
PKG_CONFIG   ?= pkg-config

BLAS_CFLAGS  ?= $(shell $(PKG_CONFIG) --cflags openblas 2>/dev/null || $(PKG_CONFIG) --cflags blas 2>/dev/null)
BLAS_LIBS    ?= $(shell $(PKG_CONFIG) --libs openblas 2>/dev/null || $(PKG_CONFIG) --libs blas 2>/dev/null || echo -lblas)
LAPACK_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags lapacke 2>/dev/null)
LAPACK_LIBS  ?= $(shell $(PKG_CONFIG) --libs lapacke 2>/dev/null || echo -llapacke)
CHECK_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   ?= $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

# Version numbers come from the header.
VERSION_H := include/hdnet/version.h
MAJOR := $(shell sed -n 's/^\#define HDNET_VERSION_MAJOR \([0-9]*\).*/\1/p' $(VERSION_H))
MINOR := $(shell sed -n 's/^\#define HDNET_VERSION_MINOR \([0-9]*\).*/\1/p' $(VERSION_H))
PATCH := $(shell sed -n 's/^\#define HDNET_VERSION_PATCH \([0-9]*\).*/\1/p' $(VERSION_H))
VERSION := $(MAJOR).$(MINOR).$(PATCH)
# 0.x: any minor may break the ABI.
ifeq ($(MAJOR),0)
SONAME := libhdnet.so.0.$(MINOR)
else
SONAME := libhdnet.so.$(MAJOR)
endif
REALNAME := libhdnet.so.$(VERSION)

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifneq ($(WERROR),0)
WARN += -Werror
endif
# -ffp-contract=off: bit-exact task generation and reproducible arithmetic.
BASE_CFLAGS := $(WARN) -D_POSIX_C_SOURCE=200809L -ffp-contract=off -pthread -Iinclude
LIB_CFLAGS  := $(BASE_CFLAGS) -Ilib -DHDNET_BUILDING -fPIC -fvisibility=hidden $(BLAS_CFLAGS) $(LAPACK_CFLAGS)
ifeq ($(HDNET_NO_BLAS),1)
LIB_CFLAGS  += -DHDNET_NO_BLAS
BLAS_LIBS   :=
endif
LIBS := $(LAPACK_LIBS) $(BLAS_LIBS) -lm -pthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRCS  := $(sort $(wildcard lib/*/*.c))
LIB_HDRS  := $(sort $(wildcard lib/*/*.h))
LIB_OBJS  := $(LIB_SRCS:.c=.o)
HEADERS   := $(sort $(wildcard include/hdnet/*.h))
# The programs' shared layer and helpers (examples/libcli.a), not programs.
EX_HELPERS:= examples/cli.c examples/train_run.c examples/analyze_files.c
EX_SRCS   := $(filter-out $(EX_HELPERS),$(sort $(wildcard examples/*.c)))
EX_BINS   := $(patsubst examples/%.c,examples/%,$(EX_SRCS))
BENCH_SRCS:= $(sort $(wildcard bench/*.c))
BENCH_BINS:= $(patsubst bench/%.c,bench/%,$(BENCH_SRCS))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_OBJS := $(TEST_SRCS:.c=.o) tests/check_main.o tests/testutil.o tests/kernel_avx512_emulated.o
SUITES    := $(patsubst tests/test_%.c,%,$(TEST_SRCS))

.PHONY: all lib examples bench check check-fast check-headers install uninstall installcheck \
        abi-check update-sym docs clean deps demo help check-programs

all: lib examples bench

help:
	@echo "targets: all lib examples bench check check-fast check-programs install uninstall installcheck"
	@echo "         abi-check update-sym docs demo deps clean"
	@echo "variables: PREFIX DESTDIR LIBDIR INCLUDEDIR PKGCONFIGDIR CC CFLAGS BLAS_CFLAGS BLAS_LIBS"
	@echo "           HDNET_NO_BLAS=1 V=1 WERROR=0"

lib: lib/libhdnet.so lib/libhdnet.a

lib/%.o: lib/%.c $(LIB_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

# Kernels for wider vector units are compiled for them and chosen at run time.
lib/%_avx2.o: lib/%_avx2.c $(LIB_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -mavx2 -mfma -c $< -o $@

lib/%_avx512.o: lib/%_avx512.c $(LIB_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -mavx512f -mavx512vl -mfma -c $< -o $@

lib/$(REALNAME): $(LIB_OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LIBS)

lib/libhdnet.so: lib/$(REALNAME)
	$(Q)ln -sf $(REALNAME) lib/$(SONAME)
	$(Q)ln -sf $(REALNAME) $@

lib/libhdnet.a: $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIB_OBJS)

# Programs link the shared library in place (rpath to ../lib).
PROG_LDFLAGS := -Llib -Wl,-rpath,'$$ORIGIN/../lib'
examples: $(EX_BINS)
bench: $(BENCH_BINS)

examples/%.o: examples/%.c examples/*.h $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -c $< -o $@

examples/libcli.a: $(EX_HELPERS:.c=.o)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

examples/%: examples/%.c examples/*.h examples/libcli.a lib/libhdnet.so
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) $(LDFLAGS) $< examples/libcli.a -o $@ $(PROG_LDFLAGS) -lhdnet -lm

bench/%: bench/%.c lib/libhdnet.a
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -Ilib $(LDFLAGS) $< -o $@ lib/libhdnet.a $(LIBS)

examples/*.h:
	@:

# ---- tests ----
tests/suites.h: $(TEST_SRCS)
	$(Q)printf '%s\n' $(foreach s,$(SUITES),"HDNET_SUITE($(s))") > $@.tmp && mv $@.tmp $@

$(TEST_OBJS): tests/suites.h
tests/%.o: tests/%.c $(wildcard tests/*.h) $(HEADERS) $(LIB_HDRS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -Ilib -Itests $(CHECK_CFLAGS) -c $< -o $@

# The AVX-512 kernels on SIMDe's emulated AVX-512, built on AVX2 (tests/kernel_avx512_emulated.c).
EMULATED_CFLAGS := -mavx2 -mfma -Wno-psabi
tests/kernel_avx512_emulated.o: tests/kernel_avx512_emulated.c tests/kernel_emulated.h lib/model/kernel_avx512.c $(LIB_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -Ilib -Itests $(EMULATED_CFLAGS) -c $< -o $@

tests/check_hdnet: $(TEST_OBJS) lib/libhdnet.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJS) lib/libhdnet.a $(CHECK_LIBS) $(LIBS)

# Every public header compiles alone, in C and in C++.
check-headers:
	$(Q)for h in $(HEADERS); do \
		printf '#include "%s"\ntypedef int hdnet_header_check;\n' "$$h" | $(CC) $(BASE_CFLAGS) -fsyntax-only -x c - || exit 1; \
		printf '#include "%s"\n' "$$h" | $(CXX) -Iinclude -Wall -Wextra -Werror -fsyntax-only -x c++ - || exit 1; \
	done; echo "headers: each compiles alone as C11 and C++"

check: deps all tests/check_hdnet check-headers abi-check
	$(Q)cd tests && ./check_hdnet
	$(Q)sh tests/programs.sh
	$(Q)sh tests/pipeline_golden.sh
	$(Q)sh tests/programs_hostile.sh

# the example programs as a user runs them (also part of check)
check-programs: examples
	$(Q)sh tests/programs.sh
	$(Q)sh tests/pipeline_golden.sh
	$(Q)sh tests/programs_hostile.sh

check-fast: all tests/check_hdnet
	$(Q)cd tests && CK_EXCLUDE_TAGS=slow ./check_hdnet

# ---- ABI ----
abi-check: lib/libhdnet.so
	$(Q)nm -D --defined-only lib/libhdnet.so | awk '{print $$3}' | sort > lib/hdnet.sym.now
	$(Q)if diff -u lib/hdnet.sym lib/hdnet.sym.now; then echo "abi-check: exported symbols match lib/hdnet.sym"; \
	else echo "abi-check: exports differ from lib/hdnet.sym (run 'make update-sym' after recording the change in CHANGELOG.md)"; exit 1; fi
	$(Q)rm -f lib/hdnet.sym.now

update-sym: lib/libhdnet.so
	nm -D --defined-only lib/libhdnet.so | awk '{print $$3}' | sort > lib/hdnet.sym

# ---- pkg-config and install ----
hdnet.pc: hdnet.pc.in $(VERSION_H) FORCE
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@EXEC_PREFIX@|$(if $(filter $(PREFIX),$(EXEC_PREFIX)),$${prefix},$(EXEC_PREFIX))|' \
		-e 's|@LIBDIR@|$(if $(filter $(EXEC_PREFIX)/lib,$(LIBDIR)),$${exec_prefix}/lib,$(LIBDIR))|' \
		-e 's|@INCLUDEDIR@|$(if $(filter $(PREFIX)/include,$(INCLUDEDIR)),$${prefix}/include,$(INCLUDEDIR))|' \
		-e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS_PRIVATE@|$(LAPACK_LIBS) $(BLAS_LIBS) -lm -pthread|' $< > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
FORCE:

# `make install` (mk/install.mk) = install-lib + programs, man pages, plot scripts, CMake package.
install-lib: lib hdnet.pc
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/hdnet $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/hdnet/
	$(INSTALL) -m 755 lib/$(REALNAME) $(DESTDIR)$(LIBDIR)/
	ln -sf $(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(REALNAME) $(DESTDIR)$(LIBDIR)/libhdnet.so
	$(INSTALL) -m 644 lib/libhdnet.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 hdnet.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	rm -f $(foreach h,$(notdir $(HEADERS)),$(DESTDIR)$(INCLUDEDIR)/hdnet/$(h))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/hdnet 2>/dev/null
	rm -f $(DESTDIR)$(LIBDIR)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libhdnet.so $(DESTDIR)$(LIBDIR)/libhdnet.a $(DESTDIR)$(PKGCONFIGDIR)/hdnet.pc

# Module make fragments (fuzzing, reproduction, bindings, ...).
-include $(sort $(wildcard mk/*.mk))

# ---- set-up and the main job ----
deps:
	$(Q)sh scripts/deps.sh

# Train a network that does the task, analyse it, print what it found (scripts/demo.sh).
demo: deps all
	$(Q)sh scripts/demo.sh demo-run

docs:
	$(Q)if command -v doxygen >/dev/null; then doxygen docs/Doxyfile; else echo "doxygen not installed (make deps)"; exit 1; fi

clean:
	rm -f lib/*/*.o lib/*.so* lib/*.a lib/hdnet.sym.now tests/*.o tests/check_hdnet tests/suites.h \
		$(EX_BINS) examples/*.o examples/libcli.a $(BENCH_BINS) hdnet.pc
