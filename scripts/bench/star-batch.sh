#!/bin/bash
# The star lab of scripts/bench built by a careful shell script: "ip -batch"
# for everything in the root namespace, one ovs-vsctl transaction for the
# bridge and all its ports, one "ip -batch" per node for what has to happen
# inside the node.
#
#   star-batch.sh up|down BRIDGE PLAN
#
# PLAN has one line per node: NAMESPACE NODE-IF HOST-IF VLAN ADDRESS/PREFIX.
# The ip batch files are written next to PLAN.  ovs-vsctl finds its Open
# vSwitch through OVS_RUNDIR (or the default).
set -eu
action=$1 bridge=$2 plan=$3

case $action in
up)
    awk '{ print "netns add " $1
           print "link add " $2 " type veth peer name " $3 }' "$plan" \
        >"$plan.create"
    ip -batch "$plan.create"
    # ethtool has no batch mode and cannot enter a namespace, so the node
    # end gets TX checksum offload turned off (which the userspace datapath
    # needs for TCP) while it is still here; the setting survives the move.
    while read -r ns nif hif vlan addr <&3; do
        ethtool -K "$nif" tx off >/dev/null
    done 3<"$plan"
    awk '{ print "link set " $2 " netns " $1
           print "link set " $3 " up" }' "$plan" >"$plan.move"
    ip -batch "$plan.move"
    ports=()
    while read -r ns nif hif vlan addr <&3; do
        ports+=(-- add-port "$bridge" "$hif" tag="$vlan")
    done 3<"$plan"
    ovs-vsctl add-br "$bridge" -- set bridge "$bridge" datapath_type=netdev \
        "${ports[@]}"
    while read -r ns nif hif vlan addr <&3; do
        ip -netns "$ns" -batch - <<END
link set lo up
link set $nif up
address add $addr dev $nif
END
    done 3<"$plan"
    ;;
down)
    ovs-vsctl --if-exists del-br "$bridge"
    awk '{ print "link del " $3
           print "netns del " $1 }' "$plan" >"$plan.delete"
    ip -batch "$plan.delete"
    ;;
*)
    echo "usage: $0 up|down BRIDGE PLAN" >&2
    exit 2
    ;;
esac
