# hdnet-sweep: many networks from one sweep file (examples/sweep/, docs/cluster.md).
#   make examples                 builds examples/hdnet-sweep; with MPI when mpicc is found
#   make MPI=1 / MPI=0            force the MPI engine on / off
#   make check-sweep              engines give identical tables; kill and resume (tests/sweep_engines.sh)
#   make check-slurm              a real single-node Slurm runs a sweep as a job array (as root)
#   make reproduce-seeds          the paper's findings as rates across seeds (results/SEEDS.md)
MPICC ?= mpicc
MPI   ?= $(if $(shell command -v $(MPICC) 2>/dev/null),1,0)

SWEEP_SRCS := $(filter-out examples/sweep/farm_mpi.c,$(sort $(wildcard examples/sweep/*.c)))
SWEEP_OBJS := $(SWEEP_SRCS:.c=.o)
SWEEP_HDRS := examples/sweep/sweep.h
# The MPI object is named after the mode, so that switching MPI= rebuilds it.
SWEEP_MPI_OBJ := examples/sweep/farm_mpi$(MPI).o
ifeq ($(MPI),1)
SWEEP_CC := $(MPICC)
else
SWEEP_CC := $(CC)
endif

examples/sweep/%.o: examples/sweep/%.c $(SWEEP_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -c $< -o $@

examples/sweep/farm_mpi0.o: examples/sweep/farm_mpi.c $(SWEEP_HDRS) $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -c $< -o $@

examples/sweep/farm_mpi1.o: examples/sweep/farm_mpi.c $(SWEEP_HDRS) $(HEADERS)
	@$(if $(Q),echo "  MPICC   $@")
	$(Q)$(MPICC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -DHDNET_SWEEP_MPI -c $< -o $@

examples/hdnet-sweep: examples/hdnet-sweep.c $(SWEEP_OBJS) $(SWEEP_MPI_OBJ) $(SWEEP_HDRS) lib/libhdnet.so
	@$(if $(Q),echo "  CC      $@$(if $(filter 1,$(MPI)), (MPI))")
	$(Q)$(SWEEP_CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) -Iexamples $(LDFLAGS) $< $(SWEEP_OBJS) $(SWEEP_MPI_OBJ) \
		-o $@ $(PROG_LDFLAGS) -lhdnet -lm

# The engine's unit tests (tests/test_sweep.c) link the module without MPI.
TEST_OBJS += $(SWEEP_OBJS) examples/sweep/farm_mpi0.o
tests/check_hdnet: $(SWEEP_OBJS) examples/sweep/farm_mpi0.o
tests/test_sweep.o: $(SWEEP_HDRS)

ASAN_SWEEP_OBJS := $(patsubst examples/sweep/%.o,build/asan/sweep/%.o,$(SWEEP_OBJS) examples/sweep/farm_mpi0.o)
build/asan/sweep/farm_mpi0.o: examples/sweep/farm_mpi.c $(SWEEP_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -c $< -o $@
build/asan/sweep/%.o: examples/sweep/%.c $(SWEEP_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ASAN_CFLAGS) $(BASE_CFLAGS) -c $< -o $@
build/asan/check_hdnet: $(ASAN_SWEEP_OBJS)

.PHONY: check-sweep check-slurm clean-sweep
check-sweep: examples/hdnet-sweep
	$(Q)sh tests/sweep_engines.sh

check-slurm: examples/hdnet-sweep
	$(Q)sh tests/slurm/sweep_slurm.sh

clean-sweep:
	rm -f examples/sweep/*.o examples/hdnet-sweep
clean: clean-sweep
