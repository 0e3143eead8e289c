# Everything that talks to Open vSwitch: the OVSDB client (switchdb) and
# ovs-lab's private ovsdb-server + ovs-vswitchd (private-ovs).
libovslab_la_SOURCES += \
	ovs/private-ovs.c ovs/private-ovs.h \
	ovs/switchdb.c ovs/switchdb.h

# Root: starts a private OVS in a directory of its own, with veths.
SYSTEM_TESTS += tests/system/test-ovs
tests_system_test_ovs_SOURCES = tests/system/test-ovs.c \
	tests/cunit-util.c tests/cunit-util.h
tests_system_test_ovs_LDADD = libovslab.la $(OVS_LIBS) $(CUNIT_LIBS)
