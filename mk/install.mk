# Installing like a Debian library: `make install` puts in place
#   the library, headers and hdnet.pc (install-lib, in the Makefile),
#   the programs (BINDIR) and their man pages (MANDIR/man1, from --help and --version by help2man),
#   the gnuplot scripts (DATADIR/hdnet/plot, found by the installed programs),
#   the CMake package (LIBDIR/cmake/hdnet: find_package(hdnet), target hdnet::hdnet),
# then runs ldconfig when root installs into a directory the dynamic loader searches
# (otherwise it says what to do). `make installcheck` (tests/installcheck.sh) installs
# into a temporary tree and uses every part as a user would.

DATAROOTDIR ?= $(PREFIX)/share
DATADIR     ?= $(DATAROOTDIR)
MANDIR      ?= $(DATAROOTDIR)/man
CMAKEDIR    ?= $(LIBDIR)/cmake/hdnet
HELP2MAN    ?= help2man

# The installed programs: the hdnet-* tools (not the tutorial programs).
PROGRAMS     = $(filter examples/hdnet-%,$(EX_BINS))
MAN_PAGES    = $(patsubst examples/%,man/%.1,$(PROGRAMS))
PLOT_SCRIPTS = $(sort $(wildcard examples/plot/*.gp))

# One-line descriptions for the NAME section of each man page.
man_name_hdnet-train   := train a head-direction recurrent network
man_name_hdnet-eval    := test a trained head-direction network
man_name_hdnet-run     := run a trained network on given inputs
man_name_hdnet-analyze := classify and plot the units of a trained network
man_name_hdnet-lesion  := silence classes of units and measure the damage
man_name_hdnet-speed   := train and test networks at several angular speeds
man_name_hdnet-attractor := the ring attractor of a trained network: fixed and slow points
man_name = $(or $(man_name_$(1)),$(1) of libhdnet)

.PHONY: man install-programs install-man install-data install-cmake install-ldconfig \
        uninstall-extras check-install-tools

man: $(MAN_PAGES)

# help2man runs `PROG --help` and `PROG --version` (a program without --version gets
# the library's version number instead); the "usage:" line becomes the SYNOPSIS.
man/%.1: examples/% | check-install-tools
	@mkdir -p man
	@$(if $(Q),echo "  MAN     $@")
	$(Q)vopt=$$(./$< --version >/dev/null 2>&1 || echo --version-string=$(VERSION)); \
	$(HELP2MAN) --no-info --no-discard-stderr --section=1 --source="libhdnet $(VERSION)" \
		--name="$(call man_name,$*)" $$vopt --output=$@.tmp ./$<
	$(Q)sed -e '/^\.SH DESCRIPTION$$/{N;s/^\.SH DESCRIPTION\nusage: \(.*\)$$/.SH SYNOPSIS\n\1\n.SH DESCRIPTION/;}' \
		$@.tmp > $@ && rm $@.tmp

check-install-tools:
	@command -v $(HELP2MAN) >/dev/null || { echo "install: help2man is needed for the man pages (Debian: apt-get install help2man)"; exit 1; }

install: install-lib install-programs install-man install-data install-cmake
	$(Q)$(MAKE) --no-print-directory install-ldconfig

install-programs: $(PROGRAMS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/

install-man: $(MAN_PAGES)
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/

install-data:
	$(INSTALL) -d $(DESTDIR)$(DATADIR)/hdnet/plot
	$(INSTALL) -m 644 $(PLOT_SCRIPTS) $(DESTDIR)$(DATADIR)/hdnet/plot/

# The package files hold paths relative to CMAKEDIR, so a staged tree works as installed.
rel_to_cmakedir = $(shell realpath -m --relative-to=$(CMAKEDIR) $(1))
install-cmake: cmake/hdnetConfig.cmake.in cmake/hdnetConfigVersion.cmake.in $(VERSION_H)
	$(INSTALL) -d $(DESTDIR)$(CMAKEDIR)
	sed -e 's|@REL_INCLUDEDIR@|$(call rel_to_cmakedir,$(INCLUDEDIR))|' \
		-e 's|@REL_LIBDIR@|$(call rel_to_cmakedir,$(LIBDIR))|' -e 's|@REALNAME@|$(REALNAME)|g' \
		-e 's|@SONAME@|$(SONAME)|' -e 's|@LIBS_PRIVATE@|$(subst $() ,;,$(strip $(LIBS)))|' \
		cmake/hdnetConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/hdnetConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@MAJOR@|$(MAJOR)|g' -e 's|@MINOR@|$(MINOR)|g' \
		-e "s|@SIZEOF_VOID_P@|$$($(CC) -dM -E - </dev/null | sed -n 's/^#define __SIZEOF_POINTER__ //p')|" \
		cmake/hdnetConfigVersion.cmake.in > $(DESTDIR)$(CMAKEDIR)/hdnetConfigVersion.cmake

# ldconfig refreshes the loader's cache so that programs find the new soname. Staged
# installs (DESTDIR) leave that to the package; others get told what to do.
install-ldconfig:
	$(Q)dirs=$$(cat /etc/ld.so.conf /etc/ld.so.conf.d/*.conf 2>/dev/null | grep '^/'; echo /lib /usr/lib); \
	if [ -n "$(DESTDIR)" ]; then :; \
	elif ! printf '%s\n' $$dirs | grep -qx '$(LIBDIR)'; then \
		echo "install: $(LIBDIR) is not searched by the dynamic loader: programs built against"; \
		echo "install: libhdnet need LD_LIBRARY_PATH=$(LIBDIR) or -Wl,-rpath,$(LIBDIR)"; \
	elif [ "$$(id -u)" = 0 ]; then ldconfig && echo "install: ran ldconfig for $(LIBDIR)"; \
	else echo "install: run 'sudo ldconfig' so that programs find $(SONAME) in $(LIBDIR)"; fi

uninstall: uninstall-extras
uninstall-extras:
	rm -f $(foreach p,$(notdir $(PROGRAMS)),$(DESTDIR)$(BINDIR)/$(p) $(DESTDIR)$(MANDIR)/man1/$(p).1)
	rm -f $(foreach s,$(notdir $(PLOT_SCRIPTS)),$(DESTDIR)$(DATADIR)/hdnet/plot/$(s))
	-rmdir $(DESTDIR)$(DATADIR)/hdnet/plot $(DESTDIR)$(DATADIR)/hdnet 2>/dev/null
	rm -f $(DESTDIR)$(CMAKEDIR)/hdnetConfig.cmake $(DESTDIR)$(CMAKEDIR)/hdnetConfigVersion.cmake
	-rmdir $(DESTDIR)$(CMAKEDIR) 2>/dev/null

installcheck: all
	$(Q)CC="$(CC)" CXX="$(CXX)" PKG_CONFIG="$(PKG_CONFIG)" MAKE="$(MAKE)" PYTHON="$(PYTHON)" \
		sh tests/installcheck.sh

clean: clean-man
.PHONY: clean-man
clean-man:
	rm -rf man
