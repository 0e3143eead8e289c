#!/bin/bash
# System tests of "ovs-lab run": DHCP with a real dnsmasq and real clients,
# checks, reports (JUnit), and failure cases.  Asserted from outside
# ovs-lab: dnsmasq's own lease file, ip addr, TCP through the lab, exit
# codes and the JUnit file.
. "$(dirname "$0")/lib.sh"

# --- seed 001: dnsmasq in ns1, a lease for ns2 on VLAN 100, none for ns3 ----
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "seed001 runs green and stays up (--keep)" \
    "$OVS_LAB" run -q --keep --name "$lab" --junit "$T_TMP/seed001.xml" \
    "$SCENARIOS/seed001-ovs-vlans-dhcp.yaml"
ns2_mac=$(ip -n "$lab-ns2" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | awk '{print $2}')
ns2_addr=$(ip -n "$lab-ns2" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
t_ok "ns2's eth0 carries a leased address" test -n "$ns2_addr"
t_match "dnsmasq's lease file holds ns2's MAC and address" "$ns2_mac $ns2_addr" \
    cat "/run/ovs-lab/labs/$lab/dnsmasq-ns1.leases"
t_match "the leased address is in the scenario's range" '^10\.0\.100\.(1[0-9][0-9]|200)$' echo "$ns2_addr"
t_fails "ns3 (VLAN 200) got no address" \
    bash -c "ip -n $lab-ns3 -4 -o addr show dev eth0 | grep -q inet"
t_match "status shows ns2's lease" "ns2.eth0 .*dhcp $ns2_addr/24 from 10.0.100.1" \
    "$OVS_LAB" status "$lab"
t_match "status points to dnsmasq's log" "dnsmasq \\(pid [0-9]+\\), log /run/ovs-lab/labs/$lab/" \
    "$OVS_LAB" status "$lab"
t_match "dnsmasq runs in ns1" dnsmasq bash -c "ps -o comm= -p \$(ip netns pids $lab-ns1)"
t_tcp_echo_server "$lab-ns1" 7100
t_ok "TCP ns2 -> ns1 over the leased address carries 256 KiB" \
    t_tcp_transfer "$lab-ns2" 10.0.100.1 7100
for name in "ns2 gets a lease from dnsmasq in ns1" "no DHCP server on VLAN 200" \
            "VLAN 200 cannot reach VLAN 100"; do
    t_match "the JUnit report has \"$name\"" "<testcase name=\"$name\"" cat "$T_TMP/seed001.xml"
done
t_fails "the JUnit report has no failure" grep -q '<failure' "$T_TMP/seed001.xml"
pids=$(t_lab_pids "$lab")
t_ok "the kept lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids

# --- every other shipped scenario runs green -----------------------------
# (two-vlan-dhcp: one dnsmasq serving two VLANs through two interfaces;
# vlan-isolation; seed002/003/004: host gateway, NAT, port forwarding,
# services on one port, an isolated node; routed-dual-stack.)
for scenario in "$SCENARIOS"/*.yaml; do
    case $scenario in */seed001-*) continue ;; esac
    lab=$(t_lab_name)
    t_cleanup_lab "$lab"
    t_ok "$(basename "$scenario") runs green" \
        "$OVS_LAB" run -q --name "$lab" "$scenario"
    t_assert_nothing_left "$lab"
done

# --- wrong expectations: exit 1 and the failing check named in JUnit ---------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/wrong.yaml" <<EOF
switches:
  sw: {}
nodes:
  a: {interfaces: {eth0: {switch: sw, vlan: 10, address: 10.5.0.1/24}}}
  b: {interfaces: {eth0: {switch: sw, vlan: 10, address: 10.5.0.2/24}}}
  c: {interfaces: {eth0: {switch: sw, vlan: 20, address: 10.5.0.3/24}}}
settings: {timeout: 2s}
checks:
  - ping: {from: a, to: b, name: a reaches b}
  - ping: {from: a, to: c, name: a wrongly expected to reach c}
  - tcp: {from: a, to: b, port: 9, name: nothing listens on b port 9}
EOF
"$OVS_LAB" run -q --name "$lab" --junit "$T_TMP/wrong.xml" --json "$T_TMP/wrong.json" "$T_TMP/wrong.yaml" >"$T_TMP/wrong.out" 2>&1
t_ok "a run with a failing check exits 1" test $? = 1
t_match "JUnit names the failing ping" '<testcase[^>]*name="a wrongly expected to reach c"[^>]*[^/]>[[:space:]]*<failure' \
    bash -c "tr -d '\n' <'$T_TMP/wrong.xml'"
t_match "JUnit names the failing tcp check" '<testcase[^>]*name="nothing listens on b port 9"[^>]*[^/]>[[:space:]]*<failure' \
    bash -c "tr -d '\n' <'$T_TMP/wrong.xml'"
t_match "JUnit counts 2 failures of 3" 'tests="3"[^>]*failures="2"|failures="2"[^>]*tests="3"' \
    cat "$T_TMP/wrong.xml"
t_ok "the JSON report parses and says 1 passed" \
    python3 -c "import json,sys; r=json.load(open('$T_TMP/wrong.json')); sys.exit(0 if r['passed']==1 and r['failed']==2 else 1)"
t_assert_nothing_left "$lab"

# --- report files: on stdout, unwritable, and when the lab cannot be made ---
lab=$(t_lab_name)
t_cleanup_lab "$lab"
"$OVS_LAB" run -q --name "$lab" --json - "$T_TMP/wrong.yaml" >"$T_TMP/stdout.json" 2>"$T_TMP/stderr.txt"
t_ok "with --json -, stdout is the JSON report alone" \
    python3 -c "import json,sys; r=json.load(open('$T_TMP/stdout.json')); sys.exit(0 if r['failed']==2 else 1)"
t_match "...and the table is on stderr" '^FAIL +a wrongly expected to reach c' cat "$T_TMP/stderr.txt"
t_assert_nothing_left "$lab"
t_match "an unwritable report file is refused before the lab is made" \
    "$T_TMP/no-such-dir/r.xml: cannot write the report there" \
    "$OVS_LAB" run -q --name "$lab" --junit "$T_TMP/no-such-dir/r.xml" "$T_TMP/wrong.yaml"
t_assert_nothing_left "$lab"
# (A scenario with an error: the same for a deploy that fails later.)
cat >"$T_TMP/taken.yaml" <<EOF
nodes:
  a:
    interfaces: {eth0: {host: {name: lo}}}
EOF
"$OVS_LAB" run -q --name "$lab" --junit "$T_TMP/taken.xml" --json "$T_TMP/taken.json" "$T_TMP/taken.yaml" >/dev/null 2>&1
t_ok "a run whose lab cannot be deployed exits 1" test $? = 1
t_match "...and its JUnit file has the deploy's failure" \
    '<testcase[^>]*name="deploy"[^>]*>[[:space:]]*<failure[^>]*taken.yaml:3:38: error: invalid host-side interface name' \
    bash -c "tr -d '\n' <'$T_TMP/taken.xml'"
t_ok "...and so has its JSON report" \
    python3 -c "import json,sys; r=json.load(open('$T_TMP/taken.json')); sys.exit(0 if r['failed']==1 and 'lo' in r['checks'][0]['observed'] else 1)"
t_assert_nothing_left "$lab"

# --- dnsmasq dies during the run: reported, lab still torn down -------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/dies.yaml" <<EOF
switches:
  sw: {}
nodes:
  srv:
    interfaces: {eth0: {switch: sw, vlan: 10, address: 10.4.0.1/24}}
    dhcp-server:
      interfaces:
        eth0: {range: [10.4.0.100, 10.4.0.150]}
  cli:
    interfaces: {eth0: {switch: sw, vlan: 10, dhcp: true}}
checks:
  - dhcp: {node: cli}
  - exec: {node: srv, command: "kill -KILL \$(cat /run/ovs-lab/labs/$lab/dnsmasq-srv.pid); sleep 1", name: kill dnsmasq}
EOF
"$OVS_LAB" run -q --name "$lab" --junit "$T_TMP/dies.xml" "$T_TMP/dies.yaml" >"$T_TMP/dies.out" 2>&1
t_ok "a run whose dnsmasq died exits 1" test $? = 1
t_match "the report says dnsmasq died" 'dnsmasq.*(died|exited|not running)|(died|exited|not running).*dnsmasq' \
    cat "$T_TMP/dies.xml" "$T_TMP/dies.out"
t_assert_nothing_left "$lab"

# --- Ctrl-C during a run: the lab is rolled back, exit 128+SIGINT ------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
"$OVS_LAB" run -q --name "$lab" "$SCENARIOS/seed001-ovs-vlans-dhcp.yaml" \
    >"$T_TMP/int.out" 2>&1 &
run_pid=$!
for i in $(seq 100); do
    ip netns list | grep -q "^$lab-" && break
    sleep 0.05
done
sleep 0.5
kill -INT "$run_pid"
wait "$run_pid"
t_ok "an interrupted run exits 130" test $? = 130
t_match "it says it was interrupted" 'interrupted' cat "$T_TMP/int.out"
t_assert_nothing_left "$lab"

# --- Ctrl-C while the checks run: they end at once, without a verdict ------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/long-check.yaml" <<EOF
nodes:
  a:
    interfaces: {eth0: {peer: b.eth0, address: 10.5.1.1/24}}
  b:
    interfaces: {eth0: {address: 10.5.1.2/24}}
checks:
  - ping: {from: a, to: b, name: quick ping}
  - exec: {node: a, command: "sleep 30", timeout: 60s, name: long command}
EOF
"$OVS_LAB" run -q --name "$lab" "$T_TMP/long-check.yaml" >"$T_TMP/long.out" 2>&1 &
run_pid=$!
t_wait_process "$lab-a" sleep
int_sent=$(date +%s%N)
kill -INT "$run_pid"
wait "$run_pid"
run_status=$?
int_ms=$(( ($(date +%s%N) - int_sent) / 1000000 ))
t_ok "a run interrupted during its checks exits 130" test "$run_status" = 130
t_ok "within 5 s, not the command's 30 s ($int_ms ms)" test "$int_ms" -lt 5000
t_match "the unfinished check is reported as interrupted" \
    '^FAIL +long command .*interrupted before the check ended' cat "$T_TMP/long.out"
t_match "the finished one keeps its verdict" '^PASS +quick ping' cat "$T_TMP/long.out"
t_assert_nothing_left "$lab"

# --- dnsmasq missing: a clear error before anything is deployed -------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
OVS_LAB_DNSMASQ=/nonexistent/dnsmasq "$OVS_LAB" run -q --name "$lab" "$T_TMP/dies.yaml" >"$T_TMP/missing.out" 2>&1
t_ok "a run without dnsmasq fails" test $? != 0
t_match "the error names dnsmasq and what to install" 'dnsmasq.*(install|dnsmasq-base)' cat "$T_TMP/missing.out"
t_match "nothing was changed" 'nothing was changed' cat "$T_TMP/missing.out"
t_assert_nothing_left "$lab"

t_done
