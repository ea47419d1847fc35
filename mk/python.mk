# Python binding (bindings/python): its unit tests against the in-tree library.
#   make check-python      needs python3 with NumPy (Debian: python3-numpy) and a C compiler
PYTHON ?= /usr/bin/python3

.PHONY: check-python
check-python: lib
	$(Q)HDNET_LIBRARY=$(CURDIR)/lib/libhdnet.so $(PYTHON) -m unittest discover -s bindings/python/tests

