# Checks (ping, tcp, dhcp, isolation, exec) and reports (table, JSON,
# JUnit XML).
libovslab_la_SOURCES += \
	src/check.c src/check.h \
	src/check-private.h \
	src/check-addr.c \
	src/check-exec.c \
	src/check-isolation.c \
	src/check-probe.c \
	src/report.c src/report.h

# Text, JSON and JUnit output of hand-built results (no root).
UNIT_TESTS += tests/unit/test-report
tests_unit_test_report_SOURCES = tests/unit/test-report.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_report_LDADD = libovslab.la $(OVS_LIBS) $(CUNIT_LIBS)

# Every check kind against real namespaces joined by veths (root).
SYSTEM_TESTS += tests/system/test-check
tests_system_test_check_SOURCES = tests/system/test-check.c \
	tests/cunit-util.c tests/cunit-util.h
tests_system_test_check_LDADD = \
	libovslab.la $(OVS_LIBS) $(MNL_LIBS) $(YAML_LIBS) $(CUNIT_LIBS)
