# Host networking for labs: egress NAT and port forwarding (one nftables
# table per lab, through libnftables) and the host's IPv4 forwarding.
libovslab_la_SOURCES += \
	src/ip-forward.c src/ip-forward.h \
	src/nat.c src/nat.h

# The generated ruleset, and the forwarding records against a fake
# /proc/sys (no root).
UNIT_TESTS += tests/unit/test-nat tests/unit/test-ip-forward
tests_unit_test_nat_SOURCES = tests/unit/test-nat.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_nat_LDADD = \
	libovslab.la $(OVS_LIBS) $(YAML_LIBS) $(NFT_LIBS) $(CUNIT_LIBS)
tests_unit_test_ip_forward_SOURCES = tests/unit/test-ip-forward.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_ip_forward_LDADD = libovslab.la $(OVS_LIBS) $(CUNIT_LIBS)

# NAT, port forwarding and forwarding restore on real labs (root).
SYSTEM_TEST_SH += tests/system/test-nat.sh
