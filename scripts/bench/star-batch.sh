#!/bin/bash
# The star lab of scripts/bench built by a careful shell script: one
# "ip -batch" for everything in the host namespace, one ovs-vsctl
# transaction for the bridge and all its ports, and per node only what has
# to run inside the node.
#
#   star-batch.sh up|down BRIDGE PLAN
#
# PLAN has one line per node: NAMESPACE NODE-IF HOST-IF VLAN ADDRESS/PREFIX.
# The ip batch files are written next to PLAN.  ovs-vsctl finds its Open
# vSwitch through OVS_RUNDIR (or the default).
#
# What makes it fast: the node end of each veth is created in its namespace
# (moving a device costs an RCU grace period, ~25 ms, per device), teardown
# deletes namespaces only (the kernel destroys their veths in one batch,
# while deleting a veth costs a grace period), and the per-node work is two
# short-lived processes (nsenter+ethtool, ip -batch).
set -eu
action=$1 bridge=$2 plan=$3

case $action in
up)
    awk '{ print "netns add " $1
           print "link add " $3 " up type veth peer name " $2 " netns " $1 }' \
        "$plan" >"$plan.create"
    ip -batch "$plan.create"
    ports=()
    while read -r ns nif hif vlan addr <&3; do
        # The userspace datapath drops TCP with offloaded checksums;
        # ethtool has no batch mode and no namespace option.
        nsenter --net="/run/netns/$ns" ethtool -K "$nif" tx off >/dev/null
        ip -netns "$ns" -batch - <<END
link set lo up
link set $nif up
address add $addr dev $nif
END
        ports+=(-- add-port "$bridge" "$hif" tag="$vlan")
    done 3<"$plan"
    # Last, so that ovs-vswitchd does not see every link above change.
    ovs-vsctl add-br "$bridge" -- set bridge "$bridge" datapath_type=netdev \
        "${ports[@]}"
    ;;
down)
    ovs-vsctl --if-exists del-br "$bridge"
    awk '{ print "netns del " $1 }' "$plan" >"$plan.delete"
    ip -batch "$plan.delete"
    ;;
*)
    echo "usage: $0 up|down BRIDGE PLAN" >&2
    exit 2
    ;;
esac
