# Scenario files: YAML loading, validation, segments.
libovslab_la_SOURCES += \
	src/scenario.c src/scenario.h \
	src/scenario-private.h \
	src/scenario-load.c \
	src/scenario-segments.c \
	src/scenario-validate.c

UNIT_TESTS += tests/unit/test-scenario
tests_unit_test_scenario_SOURCES = tests/unit/test-scenario.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_scenario_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_scenario_LDADD = \
	libovslab.la $(OVS_LIBS) $(YAML_LIBS) $(CUNIT_LIBS)
