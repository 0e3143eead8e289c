# The kernel layer: named network namespaces, rtnetlink (libmnl) batches
# and request builders, and ethtool offload settings.
libovslab_la_SOURCES += \
	src/ethtool.c src/ethtool.h \
	src/netlink-addr.c src/netlink-addr.h \
	src/netlink-link.c src/netlink-link.h \
	src/netlink-neigh.c src/netlink-neigh.h \
	src/netlink-route.c src/netlink-route.h \
	src/netlink-rtnl.c src/netlink-rtnl.h \
	src/netns.c src/netns.h

# Byte-level checks of the request builders and batches (no root).
UNIT_TESTS += tests/unit/test-netlink
tests_unit_test_netlink_SOURCES = tests/unit/test-netlink.c \
	tests/cunit-util.c tests/cunit-util.h
tests_unit_test_netlink_LDADD = \
	libovslab.la $(OVS_LIBS) $(MNL_LIBS) $(CUNIT_LIBS)

# Real namespaces, veths, addresses, routes, offloads, processes (root).
SYSTEM_TESTS += tests/system/test-kernel
tests_system_test_kernel_SOURCES = tests/system/test-kernel.c \
	tests/cunit-util.c tests/cunit-util.h
tests_system_test_kernel_LDADD = \
	libovslab.la $(OVS_LIBS) $(MNL_LIBS) $(CUNIT_LIBS)
