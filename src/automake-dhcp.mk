# DHCP: dnsmasq as server in a node, udhcpc or dhclient as clients, and
# the helpers they share; json-util reads members of parsed JSON objects
# (leases, lab state).  (src/lease.[ch] is listed in src/automake.mk.)
libovslab_la_SOURCES += \
	src/dhcp-client.c src/dhcp-client.h \
	src/dhcp-server.c src/dhcp-server.h \
	src/dhcp-util.c src/dhcp-util.h \
	src/json-util.c src/json-util.h

# The program udhcpc runs to record a lease, without libc: found next to
# ovs-lab (a build tree) or in pkglibexecdir; without it, a shell script.
# Linked by the compiler alone: libtool would add its own ideas to
# -nostdlib -static.
if HAVE_LEASE_HOOK
pkglibexec_PROGRAMS = ovs-lab-lease-hook
ovs_lab_lease_hook_SOURCES = src/lease-hook.c
ovs_lab_lease_hook_CPPFLAGS =
ovs_lab_lease_hook_CFLAGS = $(LEASE_HOOK_CFLAGS)
ovs_lab_lease_hook_LDADD =
ovs_lab_lease_hook_LINK = $(CCLD) $(ovs_lab_lease_hook_CFLAGS) $(CFLAGS) \
	$(LEASE_HOOK_LDFLAGS) $(LDFLAGS) -o $@
endif

# The generated dnsmasq configuration, lease records and lease JSON
# (no root).
UNIT_TESTS += tests/unit/test-dhcp
tests_unit_test_dhcp_SOURCES = tests/unit/test-dhcp.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_dhcp_LDADD = \
	libovslab.la $(OVS_LIBS) $(YAML_LIBS) $(CUNIT_LIBS)

# Real dnsmasq and DHCP clients on direct veths between namespaces (root).
SYSTEM_TESTS += tests/system/test-dhcp
tests_system_test_dhcp_SOURCES = tests/system/test-dhcp.c \
	tests/cunit-util.c tests/cunit-util.h
tests_system_test_dhcp_LDADD = \
	libovslab.la $(OVS_LIBS) $(MNL_LIBS) $(YAML_LIBS) $(CUNIT_LIBS)
