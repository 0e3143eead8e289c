# System test scripts (root): each prints its own "N passed, N failed".
SYSTEM_TEST_SH += tests/system/test-deploy.sh tests/system/test-run.sh \
	tests/system/test-dhcp-deploy.sh \
	tests/system/test-bench-smoke.sh
