# MATLAB / Octave binding (bindings/matlab): one MEX gateway, hdnet_mex.c.
#   make octave-mex     build bindings/matlab/hdnet_mex.mex with mkoctfile --mex
#   make check-octave   build it and run bindings/matlab/tests/test_hdnet.m under Octave
#                       (Debian: octave octave-dev); trains, tests and analyses a small
#                       network through the gateway.
# MATLAB users build the same source with mex (docs/matlab.md).
MKOCTFILE ?= mkoctfile
OCTAVE    ?= octave

.PHONY: octave-mex check-octave clean-matlab
octave-mex: bindings/matlab/hdnet_mex.mex

bindings/matlab/hdnet_mex.mex: bindings/matlab/hdnet_mex.c $(HEADERS) lib/libhdnet.so
	@$(if $(Q),echo "  MEX     $@")
	$(Q)cd bindings/matlab && CFLAGS="-std=c11 -Wall -Wextra -O2" $(MKOCTFILE) --mex -I../../include \
		hdnet_mex.c -L../../lib -lhdnet -Wl,-rpath,$(CURDIR)/lib -o hdnet_mex.mex

check-octave: bindings/matlab/hdnet_mex.mex
	$(Q)cd bindings/matlab/tests && $(OCTAVE) --no-gui --no-window-system --quiet --norc \
		--eval "addpath('..'); assert(test_hdnet() == 0)"

clean: clean-matlab
clean-matlab:
	rm -f bindings/matlab/hdnet_mex.mex bindings/matlab/*.o
