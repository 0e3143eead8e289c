# Test scripts, each printing its own "N passed, N failed": without root,
# and system tests (root).
UNIT_TEST_SH += tests/unit/test-lease-hook.sh tests/unit/test-cli.sh
SYSTEM_TEST_SH += tests/system/test-deploy.sh tests/system/test-run.sh \
	tests/system/test-dhcp-deploy.sh tests/system/test-ovs-command.sh \
	tests/system/test-bench-smoke.sh tests/system/test-netns-dir.sh
EXTRA_DIST += $(UNIT_TEST_SH) $(SYSTEM_TEST_SH) tests/run-tests \
	tests/system/lib.sh
