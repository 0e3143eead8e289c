#!/bin/bash
# The benchmark's smoke run (N=10): ovs-lab and the two shell scripts each
# build a working star lab and tear it down leaving nothing.  Timing
# targets belong to the full benchmark (scripts/bench/run), not here.
: "${OVS_LAB_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
exec "$OVS_LAB_SRCDIR/scripts/bench/run" --smoke
