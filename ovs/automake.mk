# Everything that talks to Open vSwitch: the OVSDB client (switchdb),
# ovs-lab's private ovsdb-server + ovs-vswitchd (private-ovs) and the
# running of their programs (ovs-program).
libovslab_la_SOURCES += \
	ovs/ovs-program.c ovs/ovs-program.h \
	ovs/private-ovs.c ovs/private-ovs.h \
	ovs/switchdb.c ovs/switchdb.h

# Starting programs and their environment (no root).
UNIT_TESTS += tests/unit/test-ovs-program
tests_unit_test_ovs_program_SOURCES = tests/unit/test-ovs-program.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_ovs_program_LDADD = libovslab.la $(OVS_LIBS) $(CUNIT_LIBS)

# Root: starts a private OVS in a directory of its own, with veths.
SYSTEM_TESTS += tests/system/test-ovs
tests_system_test_ovs_SOURCES = tests/system/test-ovs.c \
	tests/cunit-util.c tests/cunit-util.h
tests_system_test_ovs_LDADD = libovslab.la $(OVS_LIBS) $(CUNIT_LIBS)
