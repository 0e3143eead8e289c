#!/bin/bash
# System tests of "ovs-lab up/down/status/exec" (root, real kernel and OVS).
# Everything is checked from outside ovs-lab: ip, ip netns exec, ovs-vsctl,
# python3 sockets.
. "$(dirname "$0")/lib.sh"

# --- seed 004: one node, a veth to the host --------------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "seed004 lab comes up" "$OVS_LAB" up -q --name "$lab" "$SCENARIOS/seed004-host-veth.yaml"
t_match "ip netns list shows its namespaces" "^$lab-" ip netns list
host_end=$(ip -o link show | grep -F "alias ovs-lab:$lab:" | head -n1 | awk -F': ' '{print $2}' | sed 's/@.*//')
node_ns=$(ip -o link show dev "$host_end" 2>/dev/null | grep -o "ovs-lab:$lab:[^ .]*" | sed "s/ovs-lab:$lab:/$lab-/")
node_addr=$(ip -n "$node_ns" -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -n1)
host_addr=$(ip -4 -o addr show dev "$host_end" | awk '{print $4}' | cut -d/ -f1 | head -n1)
t_ok "the host end $host_end has an address" test -n "$host_addr"
t_ok "node reaches the host (ping)" ip netns exec "$node_ns" ping -c1 -W2 "$host_addr"
t_ok "host reaches the node (ping)" ping -c1 -W2 "$node_addr"
t_tcp_echo_server "$node_ns" 7001
t_ok "TCP from the host into the node carries 256 KiB" t_tcp_transfer "" "$node_addr" 7001
# Host subnets are the host's, not the lab's: a second lab on the host's
# 10.1.1.0/24 would take the route from the first one (seed000's host end
# is 10.1.1.1/24), and one with the same address would share it.
other=$(t_lab_name)
t_cleanup_lab "$other"
overlap="10\.1\.1\.1/24 \(line [0-9]+, on the host for host link coke\.veth1\)"
overlap="$overlap overlaps the subnet of 10\.1\.1\.2/24 on host interface"
overlap="$overlap $host_end \(lab $lab\).*take lab $lab down first"
t_match "a lab whose host subnet overlaps one in use is refused, naming it" \
    "$overlap" "$OVS_LAB" up -q --name "$other" "$SCENARIOS/seed000-coke-veth.yaml"
t_assert_nothing_left "$other"
t_match "a second copy of the lab (the same host address) is refused" \
    "10\.1\.1\.2/24 \(line [0-9]+, .*\) is already there, as 10\.1\.1\.2/24 on host interface $host_end" \
    "$OVS_LAB" up -q --name "$other" "$SCENARIOS/seed004-host-veth.yaml"
t_assert_nothing_left "$other"
t_ok "the first lab still reaches the host" ip netns exec "$node_ns" ping -c1 -W2 "$host_addr"
pids=$(t_lab_pids "$lab")
t_ok "seed004 lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids
t_match "down of a lab that is gone says so" "not up" "$OVS_LAB" down "$lab"

# --- seed 002, section 1: two nodes on a direct veth ------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "seed002 direct-veth lab comes up" "$OVS_LAB" up -q --name "$lab" "$SCENARIOS/seed002-direct-veth.yaml"
earth_addr=$(ip -n "$lab-earth" -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1)
neptune_addr=$(ip -n "$lab-neptune" -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1)
t_ok "earth pings neptune" ip netns exec "$lab-earth" ping -c1 -W2 "$neptune_addr"
t_tcp_echo_server "$lab-neptune" 7002
t_ok "TCP earth -> neptune carries 256 KiB" t_tcp_transfer "$lab-earth" "$neptune_addr" 7002
t_match "ovs-lab status lists the lab" "lab $lab" "$OVS_LAB" status "$lab"
t_match "status --json names the namespaces" "\"netns\": \"$lab-earth\"" "$OVS_LAB" status --json "$lab"
t_match "exec runs a command in a node" "$earth_addr" "$OVS_LAB" exec "$lab" earth -- ip -4 addr show
# Exit statuses as env(1)'s: the command's own, else 125/126/127.
exec_status() { "$OVS_LAB" exec "$@" >/dev/null 2>&1; echo $?; }
t_match "exec passes the command's exit status on" '^3$' exec_status "$lab" earth -- sh -c 'exit 3'
t_match "exec of a program not found: 127" '^127$' exec_status "$lab" earth -- no-such-program-olt
echo "echo should not run" >"$T_TMP/not-executable"
chmod 644 "$T_TMP/not-executable"
t_match "exec of a file that cannot run: 126" '^126$' exec_status "$lab" earth -- "$T_TMP/not-executable"
t_match "exec in a node that does not exist: 125" '^125$' exec_status "$lab" pluto -- true
t_match "exec in a lab that is not up: 125" '^125$' exec_status "$lab-none" earth -- true
t_match "up of a lab that is already up is refused" "lab $lab is already up" \
    "$OVS_LAB" up -q --name "$lab" "$SCENARIOS/seed002-direct-veth.yaml"
t_ok "it is still up after the refusal" ip netns exec "$lab-earth" ping -c1 -W2 "$neptune_addr"
pids=$(t_lab_pids "$lab")
t_ok "seed002 lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids

# --- two VLANs on one switch -------------------------------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/vlans.yaml" <<EOF
switches:
  sw:
    gateway: [{vlan: 10, address: 10.9.0.254/24}]
nodes:
  a1:
    interfaces: {eth0: {switch: sw, vlan: 10, address: 10.9.0.1/24}}
    files: {resolv.conf: "nameserver 10.9.0.53\noptions timeout:1 attempts:1\n"}
  a2:
    interfaces: {eth0: {switch: sw, vlan: 10, address: 10.9.0.2/24}}
  b1:
    interfaces: {eth0: {switch: sw, vlan: 20, addresses: [10.9.0.3/24, "fd00:9::3/64"]}}
  t1:
    interfaces: {eth0: {switch: sw, trunk: [10, 20]}}
EOF
t_ok "two-VLAN lab comes up" "$OVS_LAB" up -q --name "$lab" "$T_TMP/vlans.yaml"
t_tcp_echo_server "$lab-a2" 7003
t_ok "same VLAN: TCP a1 -> a2 carries 256 KiB" t_tcp_transfer "$lab-a1" 10.9.0.2 7003
t_fails "other VLAN: a1 cannot ping b1" ip netns exec "$lab-a1" ping -c2 -W1 10.9.0.3
t_fails "other VLAN: b1 cannot ping a2" ip netns exec "$lab-b1" ping -c2 -W1 10.9.0.2
port_of() {
    ovs-vsctl --db="$PRIVATE_DB" --bare --columns=name find port \
        "external_ids:ovs-lab.lab=$lab" "external_ids:ovs-lab.node=$1"
}
t_ok "ovs-vsctl: a1's port carries the lab's external_ids" test -n "$(port_of a1)"
t_match "ovs-vsctl: a1's port has tag 10" '^10$' \
    ovs-vsctl --db="$PRIVATE_DB" get port "$(port_of a1)" tag
t_match "ovs-vsctl: b1's port has tag 20" '^20$' \
    ovs-vsctl --db="$PRIVATE_DB" get port "$(port_of b1)" tag
t_match "ovs-vsctl: t1's port trunks 10 and 20" '^\[10, 20\]$' \
    ovs-vsctl --db="$PRIVATE_DB" get port "$(port_of t1)" trunks
t_match "a1's host end is promiscuous (set by up, not by ovs-vswitchd)" \
    '[<,]PROMISC[,>]' ip link show "$(port_of a1)"
t_match "ovs-vsctl: the bridge is the lab's, userspace datapath" 'netdev' \
    ovs-vsctl --db="$PRIVATE_DB" --bare --columns=datapath_type find bridge "external_ids:ovs-lab.lab=$lab"
t_match "ovs-vsctl: interfaces got an OpenFlow port" '^[1-9]' \
    ovs-vsctl --db="$PRIVATE_DB" get interface "$(port_of a1)" ofport
t_match "node-side veth has TX checksum offload off" 'tx-checksumming: off' \
    ip netns exec "$lab-a1" ethtool -k eth0
t_fails "a node interface without IPv6 addresses has no link-local one" \
    bash -c "ip -n $lab-a1 -6 addr show dev eth0 | grep -q fe80"
t_fails "...nor has the host end of its veth" \
    bash -c "ip -6 addr show dev $(port_of a1) | grep -q fe80"
t_match "an interface with an IPv6 address has a link-local one too" 'inet6 fe80::' \
    ip -n "$lab-b1" -6 addr show dev eth0
t_match "ip netns exec sees the node's /etc/netns files" 'nameserver 10.9.0.53' \
    ip netns exec "$lab-a1" cat /etc/resolv.conf
t_match "ovs-lab exec sees them too" 'nameserver 10.9.0.53' \
    "$OVS_LAB" exec "$lab" a1 -- cat /etc/resolv.conf
t_match "a node with files gets a generated hosts: a2 resolves" '^10\.9\.0\.2 ' \
    ip netns exec "$lab-a1" getent ahostsv4 a2
gw_port=$(ovs-vsctl --db="$PRIVATE_DB" --bare --columns=name find port \
    "external_ids:ovs-lab.lab=$lab" tag=10 | grep -vx -e "$(port_of a1)" -e "$(port_of a2)" -e '')
t_match "the VLAN 10 gateway is an internal port with tag 10" '^internal$' \
    ovs-vsctl --db="$PRIVATE_DB" get interface "$gw_port" type
t_match "the host has the gateway address on it" '10\.9\.0\.254/24' ip -4 addr show dev "$gw_port"
t_ok "the host reaches VLAN 10 through its gateway" ping -c1 -W2 10.9.0.1
t_fails "the host does not reach VLAN 20 (same subnet, other VLAN)" ping -c2 -W1 10.9.0.3
switch_devs=$(t_switch_devices "$lab")
t_match "the switch has its own device and the gateway's" '^2$' \
    bash -c "echo '$switch_devs' | grep -c ."
pids=$(t_lab_pids "$lab")
t_ok "two-VLAN lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids
for dev in $switch_devs; do
    t_fails "the switch's device $dev is gone when down returns" ip link show dev "$dev"
done
# Its bridge and ports get the same names again.
t_ok "the same lab comes up again right away" "$OVS_LAB" up -q --name "$lab" "$T_TMP/vlans.yaml"
t_ok "...and works: same VLAN, a1 pings a2" ip netns exec "$lab-a1" ping -c1 -W2 10.9.0.2
t_ok "...the host reaches VLAN 10 through its gateway" ping -c1 -W2 10.9.0.1
t_ok "...and goes down again" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"
# Someone else's device with the gateway port's name: refused before
# anything is made, and left alone.
remove_foreign_tap() { ip link del "$foreign_tap" 2>/dev/null; }
foreign_tap=$gw_port
t_at_exit remove_foreign_tap
ip tuntap add mode tap name "$foreign_tap"
t_match "up refuses when the gateway port's name is taken" \
    "host interface $foreign_tap \(for a gateway of switch sw\) already exists" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/vlans.yaml"
t_ok "the foreign device is still there" ip link show dev "$foreign_tap"
remove_foreign_tap
t_assert_nothing_left "$lab"

# --- seed 003: the same port in three nodes, from outside -------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "seed003 lab comes up" "$OVS_LAB" up -q --name "$lab" "$SCENARIOS/seed003-services.yaml"
for node in web api db; do
    addr=$(ip -n "$lab-$node" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
    t_match "http.server of $node answers on its own address, port 8000" '^200$' \
        ip netns exec "$lab-web" python3 -c \
        "import urllib.request; print(urllib.request.urlopen('http://$addr:8000/', timeout=5).status)"
done
t_match "a2 of seed003: hosts lists db" '^10\.0\.3\.13 ' ip netns exec "$lab-api" getent ahostsv4 db
pids=$(t_lab_pids "$lab")
t_ok "seed003 lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids

# --- seed 004's isolated node, from outside --------------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "seed004 lab comes up again" "$OVS_LAB" up -q --name "$lab" "$SCENARIOS/seed004-host-veth.yaml"
t_match "the isolated node has nothing but lo" '^1: lo:' ip -n "$lab-isolated" -o link show
t_match "...and exactly one link" '^1$' bash -c "ip -n $lab-isolated -o link show | wc -l"
t_fails "the isolated node cannot reach the host end" ip netns exec "$lab-isolated" ping -c1 -W1 10.1.1.2
t_fails "the isolated node cannot reach netns1" ip netns exec "$lab-isolated" ping -c1 -W1 10.1.1.1
t_ok "while netns1 reaches the host end" ip netns exec "$lab-netns1" ping -c1 -W1 10.1.1.2
t_ok "seed004 lab goes down again" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"

# --- down without the recorded state -----------------------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "lab comes up again" "$OVS_LAB" up -q --name "$lab" "$T_TMP/vlans.yaml"
rm -rf "/run/ovs-lab/labs/$lab"
t_ok "down works from what is on the system" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"

# --- a deploy that fails midway rolls back ---------------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/fails.yaml" <<EOF
switches:
  sw: {}
nodes:
  a:
    interfaces: {eth0: {switch: sw, vlan: 10, address: 10.8.0.1/24}}
  b:
    interfaces: {eth0: {switch: sw, vlan: 10, address: 10.8.0.2/24}}
    start:
      - {command: "echo starting up; sleep 0.2; echo cannot bind >&2; exit 3", wait-port: 9}
EOF
t_fails "a deploy whose last step fails reports failure" "$OVS_LAB" up -q --name "$lab" "$T_TMP/fails.yaml"
t_assert_nothing_left "$lab"
# The command's log goes with the rollback: the error shows its end.
t_match "the failed command's status and output are in the error" \
    'exited before listening on port 9 \(exit status 3\).*    starting up.*    cannot bind' \
    bash -c "\"$OVS_LAB\" up -q --name $lab $T_TMP/fails.yaml 2>&1 | tr '\n' ' '"
t_assert_nothing_left "$lab"

# --- Ctrl-C while the last phase runs: rolled back, not left up --------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/slow-start.yaml" <<EOF
nodes:
  a:
    interfaces: {eth0: {peer: b.eth0, address: 10.8.1.1/24}}
  b:
    interfaces: {eth0: {address: 10.8.1.2/24}}
    start:
      - {command: "sleep 1.5; exec python3 -m http.server 9", wait-port: 9}
EOF
# Starts "up" of slow-start.yaml as lab $1 in the background, its output
# in $2 and its pid in up_pid, and returns once the start command sleeps:
# the up then waits for port 9 for a while.
start_slow_up() {
    "$OVS_LAB" up --name "$1" "$T_TMP/slow-start.yaml" >"$2" 2>&1 &
    up_pid=$!
    t_wait_process "$1-b" sleep
}
start_slow_up "$lab" "$T_TMP/int.out"
kill -INT "$up_pid"
wait "$up_pid"
t_ok "up interrupted while waiting for a start command exits 130" test $? -eq 130
t_fails "and does not say the lab is up" grep -q "is up" "$T_TMP/int.out"
t_assert_nothing_left "$lab"

# --- SIGTERM while DHCP clients wait: no need to wait for their timeout ------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/no-server.yaml" <<EOF
settings: {timeout: 30s}
switches:
  sw: {}
nodes:
  c:
    interfaces: {eth0: {switch: sw, dhcp: true}}
EOF
"$OVS_LAB" up -q --name "$lab" "$T_TMP/no-server.yaml" >/dev/null 2>&1 &
up_pid=$!
for _ in $(seq 200); do
    ip netns pids "$lab-c" 2>/dev/null | grep -q . && break
    sleep 0.05
done
term_sent=$(date +%s%N)
kill -TERM "$up_pid"
wait "$up_pid"
up_status=$?
term_ms=$(( ($(date +%s%N) - term_sent) / 1000000 ))
t_ok "up stopped by SIGTERM while its DHCP client waits exits 143" test "$up_status" -eq 143
t_ok "within 5 s, not the clients' 30 s ($term_ms ms)" test "$term_ms" -lt 5000
t_assert_nothing_left "$lab"

# --- "down" or a second "up" while an "up" works on the lab: refused --------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
start_slow_up "$lab" "$T_TMP/slow-up.out"
t_match "down during the up is refused, naming the up" \
    "lab $lab: \"ovs-lab up\" \(pid $up_pid\) is working on it" \
    "$OVS_LAB" down "$lab"
t_fails "(with a failure status)" "$OVS_LAB" down -q "$lab"
t_match "so is a second up" "\"ovs-lab up\" \(pid $up_pid\) is working on it" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/slow-start.yaml"
wait "$up_pid"
t_ok "the up went on and succeeded" test $? -eq 0
t_ok "and the lab works" ip netns exec "$lab-a" ping -c1 -W2 10.8.1.2
pids=$(t_lab_pids "$lab")
t_ok "then down works" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids
t_fails "and no lock file is left" test -e "/run/ovs-lab/labs/.$lab.lock"

# --- an MTU below IPv6's minimum: IPv4 works -----------------------------------
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/small-mtu.yaml" <<EOF
switches:
  sw: {}
nodes:
  a:
    interfaces:
      eth0: {peer: b.eth0, address: 10.8.2.1/24, mtu: 1000}
      eth1: {switch: sw, address: 10.8.3.1/24, mtu: 1200}
  b:
    interfaces: {eth0: {address: 10.8.2.2/24}}
  c:
    interfaces: {eth0: {switch: sw, address: 10.8.3.2/24, mtu: 1200}}
EOF
t_ok "a lab with MTUs 1000 and 1200 comes up" "$OVS_LAB" up -q --name "$lab" "$T_TMP/small-mtu.yaml"
t_match "b's end of the veth has MTU 1000" "mtu 1000 " ip -n "$lab-b" link show eth0
t_ok "a pings b across it" ip netns exec "$lab-a" ping -c1 -W2 -s 900 10.8.2.2
t_ok "a pings c through the switch" ip netns exec "$lab-a" ping -c1 -W2 10.8.3.2
pids=$(t_lab_pids "$lab")
t_ok "it goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids

# --- an OVS that does not answer: the kernel work done meanwhile is undone --
# (The OVS side runs in parallel with the namespaces and veths; its failure
# must still roll them back.)
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_match "a deploy whose OVS cannot be reached names it" "$T_TMP/no-ovs.sock" \
    "$OVS_LAB" up -q --name "$lab" --ovsdb "unix:$T_TMP/no-ovs.sock" "$T_TMP/fails.yaml"
t_assert_nothing_left "$lab"

# --- a name collision made on purpose: refused, foreign object untouched ----
lab=$(t_lab_name)
t_cleanup_lab "$lab"
ip netns add "$lab-b"
t_match "up refuses when a namespace name is taken" "already exists" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/fails.yaml"
t_match "the foreign namespace is still there" "^$lab-b" ip netns list
ip netns del "$lab-b"
t_assert_nothing_left "$lab"
foreign_etc=/etc/netns/$lab-a
remove_foreign_etc() { rm -rf "$foreign_etc"; }
t_at_exit remove_foreign_etc
mkdir -p "$foreign_etc"
echo "nameserver 10.8.0.53" >"$foreign_etc/resolv.conf"
t_match "up refuses when /etc/netns of a node exists" "/etc/netns/$lab-a already exists" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/fails.yaml"
t_ok "and leaves that directory alone" test -f "$foreign_etc/resolv.conf"
remove_foreign_etc
t_assert_nothing_left "$lab"

# --- namespaces left half made by a killed "up" or "down" --------------------
# A killed "down" leaves files in /run/netns that nothing is mounted on (it
# unmounts, then unlinks); a killed "up" leaves namespaces without the lab's
# mark (it marks them right after creating them).  "down" removes both; a
# namespace of a planned name that has more than lo is not the lab's: it is
# left alone, and "down" fails saying so.
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/three.yaml" <<EOF
switches:
  sw: {}
nodes:
  a: {interfaces: {eth0: {switch: sw, address: 10.7.0.1/24}}}
  b: {interfaces: {eth0: {switch: sw, address: 10.7.0.2/24}}}
  c: {interfaces: {eth0: {switch: sw, address: 10.7.0.3/24}}}
EOF
t_ok "three-node lab comes up" "$OVS_LAB" up -q --name "$lab" "$T_TMP/three.yaml"
ip netns del "$lab-a" && touch "/run/netns/$lab-a"
ip netns del "$lab-b" && ip netns add "$lab-b"
ip netns del "$lab-c" && ip netns add "$lab-c" && ip -n "$lab-c" link add d0 type veth peer name d1
out=$("$OVS_LAB" down -q "$lab" 2>&1)
t_fails "down fails while a foreign namespace of a planned name is there" test $? = 0
t_match "...and names it" "namespace $lab-c \(node c\) is still there" echo "$out"
t_ok "the foreign namespace is left alone" ip -n "$lab-c" link show d0
t_fails "the stale namespace file is removed" test -e "/run/netns/$lab-a"
t_fails "the namespace without a mark, with only lo, is deleted" test -e "/run/netns/$lab-b"
ip netns del "$lab-c"
t_ok "down succeeds once that namespace is gone" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"
t_ok "the lab comes up again" "$OVS_LAB" up -q --name "$lab" "$T_TMP/three.yaml"
t_ok "...and goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"

# --- a node's namespace deleted by hand ---------------------------------------
# "ip netns del" only removes the name: dnsmasq and the started command keep
# the namespace, and its veths, alive.  "down" finds them by the mark on its
# lo, stops them, and removes the node's /etc/netns files.
lab=$(t_lab_name)
t_cleanup_lab "$lab"
cat >"$T_TMP/unnamed.yaml" <<EOF
switches:
  sw: {}
nodes:
  s:
    interfaces: {eth0: {switch: sw, address: 10.7.1.1/24}}
    dhcp-server: {interfaces: {eth0: {range: [10.7.1.100, 10.7.1.110]}}}
    files: {motd: "hi\n"}
    start: [sleep 1000]
  c: {interfaces: {eth0: {switch: sw, dhcp: true}}}
EOF
t_ok "lab with dnsmasq, a started command and files comes up" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/unnamed.yaml"
pids=$(t_lab_pids "$lab")
t_match "dnsmasq and the command run in node s" '^[2-9]' \
    bash -c "ip netns pids $lab-s | wc -l"
ip netns del "$lab-s"
started=$(date +%s%N)
t_ok "down after node s's namespace was deleted by hand" "$OVS_LAB" down -q "$lab"
t_ok "...takes less than 3 s" test $(( ($(date +%s%N) - started) / 1000000 )) -lt 3000
t_assert_nothing_left "$lab" $pids

# --- an existing Open vSwitch (--ovsdb / OVS_LAB_OVSDB) ----------------------
# Stands for the user's own OVS: daemons of this test, in a directory of its
# own, with a bridge that is not the lab's.  They, and the lab's commands,
# run in a network namespace of their own (nsenter --net, which leaves the
# mount namespace alone, so the lab's namespaces are in /run/netns as
# usual): two ovs-vswitchd with the userspace datapath in one network
# namespace both want its tap device "ovs-netdev", and the second one can
# create no bridge.  ovs-lab's private OVS, which anyone's lab may be using
# meanwhile, is in the host's.
lab=$(t_lab_name)
t_cleanup_lab "$lab"
own=$T_TMP/own-ovs
own_ns=o$lab
mkdir -p "$own"
ip netns add "$own_ns"
ip -n "$own_ns" link set lo up
in_own=(nsenter --net="/run/netns/$own_ns")
own_env=(env OVS_RUNDIR="$own" OVS_DBDIR="$own" OVS_LOGDIR="$own" OVS_SYSCONFDIR="$own")
own_db=unix:$own/db.sock
stop_own_ovs() {
    local daemon
    for daemon in ovs-vswitchd ovsdb-server; do
        [ -f "$own/$daemon.pid" ] && kill "$(cat "$own/$daemon.pid")" 2>/dev/null
    done
    sleep 0.5
    ip netns del "$own_ns" 2>/dev/null
}
t_at_exit stop_own_ovs
ovsdb-tool create "$own/conf.db" /usr/share/openvswitch/vswitch.ovsschema
"${in_own[@]}" "${own_env[@]}" ovsdb-server "$own/conf.db" -vconsole:off \
    --remote="punix:$own/db.sock" \
    --pidfile="$own/ovsdb-server.pid" --unixctl="$own/ovsdb-server.ctl" \
    --log-file="$own/ovsdb-server.log" --detach
"${own_env[@]}" ovs-vsctl --db="$own_db" --no-wait init
"${in_own[@]}" "${own_env[@]}" ovs-vswitchd "$own_db" -vconsole:off \
    --disable-system \
    --pidfile="$own/ovs-vswitchd.pid" --unixctl="$own/ovs-vswitchd.ctl" \
    --log-file="$own/ovs-vswitchd.log" --detach
ovs-vsctl --db="$own_db" add-br "u$$" -- set bridge "u$$" datapath_type=netdev \
    >/dev/null 2>&1
t_ok "a lab comes up in an existing OVS (OVS_LAB_OVSDB)" \
    "${in_own[@]}" env OVS_LAB_OVSDB="$own_db" "$OVS_LAB" up -q --name "$lab" \
    "$T_TMP/vlans.yaml"
t_match "its ports are in that OVS" "^[1-9]" \
    ovs-vsctl --db="$own_db" get interface \
    "$(ovs-vsctl --db="$own_db" --bare --columns=name find port \
       "external_ids:ovs-lab.lab=$lab" "external_ids:ovs-lab.node=a1")" ofport
t_match "status names that OVS" "ovsdb: $own_db" "$OVS_LAB" status "$lab"
t_tcp_echo_server "$lab-a2" 7004
t_ok "same VLAN: TCP a1 -> a2 through that OVS" t_tcp_transfer "$lab-a1" 10.9.0.2 7004
t_ok "down (the lab's record says which OVS)" "${in_own[@]}" "$OVS_LAB" down -q "$lab"
t_fails "no row of the lab is left in that OVS" bash -c \
    "ovs-vsctl --db=$own_db --bare --columns=name find port external_ids:ovs-lab.lab=$lab | grep -q ."
t_fails "no link of the lab is left beside that OVS" bash -c \
    "ip -n $own_ns -o link show | grep -qF 'alias ovs-lab:$lab:'"
t_ok "the user's own bridge is untouched" ovs-vsctl --db="$own_db" br-exists "u$$"
t_ok "the user's OVS still runs" ovs-vsctl --db="$own_db" --timeout=5 show
t_assert_nothing_left "$lab"
ovs-vsctl --db="$own_db" del-br "u$$"

# --- privileges ----------------------------------------------------------------
t_match "not root: says which privilege is missing" "CAP_SYS_ADMIN|CAP_NET_ADMIN" \
    setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
    "$OVS_LAB" up -q "$T_TMP/vlans.yaml"

t_done
