# Crash-safe training: kill a real training process and resume it.
#   make check-resume [RESUME_THREADS="1 2"]
RESUME_THREADS ?= 1 2
tests/resume_driver: tests/resume_driver.c lib/libhdnet.a $(HEADERS)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(BASE_CFLAGS) $(LDFLAGS) $< -o $@ lib/libhdnet.a $(LIBS)

.PHONY: check-resume
check-resume: tests/resume_driver
	$(Q)sh tests/kill_resume.sh $(RESUME_THREADS)

.PHONY: clean-resume
clean-resume:
	rm -f tests/resume_driver
clean: clean-resume
