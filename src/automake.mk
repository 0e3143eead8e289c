# The lab logic: plan, deploy, teardown, state, and the CLI.
libovslab_la_SOURCES += \
	src/error-list.c src/error-list.h \
	src/file-util.c src/file-util.h \
	src/lab.c src/lab.h src/lab-private.h \
	src/lab-down.c \
	src/lab-run.c \
	src/lab-status.c \
	src/lab-up.c \
	src/lease.c src/lease.h \
	src/ovs-command.c src/ovs-command.h \
	src/owner.c src/owner.h \
	src/plan.c src/plan.h \
	src/progress.c src/progress.h \
	src/state.c src/state.h

# Whole-file writes, the end of a log, finding programs (no root).
UNIT_TESTS += tests/unit/test-file-util
tests_unit_test_file_util_SOURCES = tests/unit/test-file-util.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_file_util_LDADD = libovslab.la $(OVS_LIBS) $(CUNIT_LIBS)
