#!/bin/bash
# The star lab of scripts/bench built the way the tutorials the project grew
# from do it (shared/seeds/001, "Fun with Linux Network Namespaces"): one
# ip or ovs-vsctl call per step and per node.
#
#   star-steps.sh up|down BRIDGE PLAN
#
# PLAN has one line per node: NAMESPACE NODE-IF HOST-IF VLAN ADDRESS/PREFIX.
# ovs-vsctl finds its Open vSwitch through OVS_RUNDIR (or the default).
set -eu
action=$1 bridge=$2 plan=$3

case $action in
up)
    ovs-vsctl add-br "$bridge" -- set bridge "$bridge" datapath_type=netdev
    while read -r ns nif hif vlan addr <&3; do
        ip netns add "$ns"
        ip link add "$nif" type veth peer name "$hif"
        ip link set "$nif" netns "$ns"
        ovs-vsctl add-port "$bridge" "$hif"
        ovs-vsctl set port "$hif" tag="$vlan"
        ip link set "$hif" up
        ip netns exec "$ns" ip link set dev lo up
        ip netns exec "$ns" ip link set dev "$nif" up
        ip netns exec "$ns" ip address add "$addr" dev "$nif"
        # The userspace datapath drops TCP with offloaded checksums.
        ip netns exec "$ns" ethtool -K "$nif" tx off >/dev/null
    done 3<"$plan"
    ;;
down)
    while read -r ns nif hif vlan addr <&3; do
        ovs-vsctl del-port "$bridge" "$hif"
        ip link del "$hif"
        ip netns del "$ns"
    done 3<"$plan"
    ovs-vsctl del-br "$bridge"
    ;;
*)
    echo "usage: $0 up|down BRIDGE PLAN" >&2
    exit 2
    ;;
esac
