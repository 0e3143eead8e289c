#!/bin/bash
# System tests of DHCP in "ovs-lab up" (root, real OVS, dnsmasq and udhcpc):
# up fails and rolls back when a client on a segment that a server of the
# lab serves gets no lease, unless a dhcp check expects none; when dnsmasq
# dies while starting, the error shows why; many clients
# on one VLAN all get a lease.  Checked from outside: exit status and
# message, ip addr, dnsmasq's lease file, what is left on the system.
#
# OVS_LAB_DHCP_CLIENTS=N sets how many clients share the VLAN (default 250).
. "$(dirname "$0")/lib.sh"

# One address in the range, fixed for c1: c2 (VLAN 10, served) can get
# none, c3 (VLAN 20, no server) is not expected to get one.
nofree_scenario() {
    cat <<EOF
switches:
  sw: {}
settings: {timeout: 3s}
nodes:
  srv:
    interfaces: {eth0: {switch: sw, vlan: 10, address: 10.6.0.1/24}}
    dhcp-server:
      interfaces:
        eth0:
          range: [10.6.0.100, 10.6.0.100]
          fixed: {c1: 10.6.0.100}
  c1: {interfaces: {eth0: {switch: sw, vlan: 10, dhcp: true}}}
  c2: {interfaces: {eth0: {switch: sw, vlan: 10, dhcp: true}}}
  c3: {interfaces: {eth0: {switch: sw, vlan: 20, dhcp: true}}}
EOF
}

# --- a served client gets no lease: up fails, says which, rolls back --------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
nofree_scenario >"$T_TMP/nofree.yaml"
"$OVS_LAB" up -q --name "$lab" "$T_TMP/nofree.yaml" >"$T_TMP/nofree.out" 2>&1
t_ok "up fails when a served client gets no lease" test $? = 1
t_match "it counts the clients without a lease" \
    '1 of 2 DHCP clients that should get a lease got none' \
    cat "$T_TMP/nofree.out"
t_match "it names the interface and the timeout" 'c2\.eth0: no lease within 3\.0 s' \
    cat "$T_TMP/nofree.out"
t_match "it shows what dnsmasq logged about the client" \
    'dnsmasq in srv logged [0-9]+ DHCP messages? about its MAC.*no address available' \
    cat "$T_TMP/nofree.out"
t_fails "it does not name c3, which no server serves" grep -q 'c3\.eth0' "$T_TMP/nofree.out"
t_match "the deploy was rolled back" 'everything it had created was removed' \
    cat "$T_TMP/nofree.out"
t_assert_nothing_left "$lab"

# --- dnsmasq dies while up starts it: the error says why ----------------------
# dnsmasq is told to serve an interface its node does not have.  Its log
# goes with the rollback, so the error must hold the end of it, and name no
# file of the lab (it did name the log, which was gone by then).
lab=$(t_lab_name)
t_cleanup_lab "$lab"
printf '#!/bin/sh\nexec %s "$@" --interface=nosuch0\n' "$(command -v dnsmasq)" \
    >"$T_TMP/dnsmasq-dies"
chmod +x "$T_TMP/dnsmasq-dies"
OVS_LAB_DNSMASQ=$T_TMP/dnsmasq-dies "$OVS_LAB" up -q --name "$lab" "$T_TMP/nofree.yaml" \
    >"$T_TMP/dies.out" 2>&1
t_ok "up fails when dnsmasq dies while starting" test $? = 1
t_match "it says dnsmasq ended while starting" 'node srv: dnsmasq \(pid [0-9]+\) ended while starting' \
    cat "$T_TMP/dies.out"
t_match "it shows dnsmasq's reason, from the end of its log" 'unknown interface nosuch0' \
    cat "$T_TMP/dies.out"
t_match "the deploy was rolled back" 'everything it had created was removed' \
    cat "$T_TMP/dies.out"
gone=$(grep -o '/run/ovs-lab/[^ :;,()"]*' "$T_TMP/dies.out" | while read -r f; do
    [ -e "$f" ] || echo "$f"; done)
t_match "every file it names still exists" '^$' echo "$gone"
t_assert_nothing_left "$lab"

# --- the same client, expected to get none: up succeeds --------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
{ nofree_scenario; echo 'checks: [{dhcp: {node: c2, expect: fail}}]'; } >"$T_TMP/expected.yaml"
t_ok "up succeeds when the client without a lease is expected to get none" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/expected.yaml"
t_match "c1 holds its fixed lease" 'inet 10\.6\.0\.100/24' ip -n "$lab-c1" -4 addr show dev eth0
if [ -x "$OVS_LAB_BUILDDIR/ovs-lab-lease-hook" ]; then
    # It is built: udhcpc ran it, not the slower shell script.
    t_fails "udhcpc's lease hook was used, no shell script was written" \
        test -e "/run/ovs-lab/labs/$lab/dhcp-client-udhcpc.sh"
fi
t_fails "c2 has no IPv4 address" grep -q inet <<<"$(ip -n "$lab-c2" -4 addr show dev eth0)"
t_fails "c3 has no IPv4 address" grep -q inet <<<"$(ip -n "$lab-c3" -4 addr show dev eth0)"
pids=$(t_lab_pids "$lab")
t_ok "it goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids

# --- many clients on one VLAN, one dnsmasq: every one gets a lease ----------
# (Started all at once, their broadcasts flooded to every port of the
# userspace switch used to delay the server's answers past the clients'
# retransmissions, and most clients got nothing.)
n=${OVS_LAB_DHCP_CLIENTS:-250}
lab=$(t_lab_name)
t_cleanup_lab "$lab"
{
    echo 'switches: {s: {}}'
    echo 'nodes:'
    echo '  srv:'
    echo '    interfaces: {eth0: {switch: s, vlan: 100, address: 10.7.0.1/16}}'
    echo '    dhcp-server: {interfaces: {eth0: {range: [10.7.1.1, 10.7.8.250]}}}'
    for i in $(seq "$n"); do
        echo "  c$i: {interfaces: {eth0: {switch: s, vlan: 100, dhcp: true}}}"
    done
} >"$T_TMP/many.yaml"
t_ok "up of $n DHCP clients on one VLAN succeeds" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/many.yaml"
leased=0
for i in $(seq "$n"); do
    ip -n "$lab-c$i" -4 -o addr show dev eth0 2>/dev/null | grep -q 'inet 10\.7\.' \
        && leased=$((leased + 1))
done
t_match "all $n clients hold an address from the range" "^$n\$" echo "$leased"
t_match "dnsmasq's lease file holds $n leases" "^$n\$" \
    awk 'END { print NR }' "/run/ovs-lab/labs/$lab/dnsmasq-srv.leases"
pids=$(t_lab_pids "$lab")
t_ok "it goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids

t_done
