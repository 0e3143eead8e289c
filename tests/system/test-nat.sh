#!/bin/bash
# System tests of what the host does for labs (root): egress NAT, port
# forwarding and IPv4 forwarding, seen from outside ovs-lab: python3
# sockets in the namespaces, the servers' own record of who connected (and
# whether they could answer), "nft list table" and /proc/sys.
#
# "The internet" is always a namespace linked to the host (never a real
# outside address): the seed's "upstream" node, or a separate lab.
. "$(dirname "$0")/lib.sh"

fwd_before=$(cat /proc/sys/net/ipv4/ip_forward)
[ "$fwd_before" = 1 ] &&
    echo "NOTE: IPv4 forwarding is already on: its restore proves little"

# One UDP datagram to namespace $1, port $2, echoed back if possible:
# writes "PEER answered" or "PEER cannot answer: REASON" to file $3.
# Waits until it listens.
t_udp_peer_server() {
    ip netns exec "$1" python3 - "$2" "$3" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", int(sys.argv[1])))
s.settimeout(20)
data, peer = s.recvfrom(2048)
try:
    s.sendto(data, peer)
    result = "answered"
except OSError as e:
    result = "cannot answer: " + e.strerror
open(sys.argv[2], "w").write(peer[0] + " " + result + "\n")
EOF
    t_wait_listening "$1" "$2" -u
}

# Sends a UDP datagram from namespace $1 to $2:$3 and expects it back.
t_udp_transfer() {
    ip netns exec "$1" python3 - "$2" "$3" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"ovs-lab udp", (sys.argv[1], int(sys.argv[2])))
sys.exit(0 if s.recv(2048) == b"ovs-lab udp" else 1)
EOF
}

# HTTP GET http://$2:$3/ from namespace $1 (empty: the host); succeeds on
# status 200.  No proxy, whatever the environment says.
t_http_get() {
    local in_ns=(ip netns exec "$1")
    [ -n "$1" ] || in_ns=()
    "${in_ns[@]}" python3 - "$2" "$3" <<'EOF'
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    r = opener.open("http://%s:%s/" % (sys.argv[1], sys.argv[2]), timeout=10)
except OSError as e:
    sys.exit("GET failed: %s" % e)
sys.exit(0 if r.status == 200 else "status %d" % r.status)
EOF
}

# Succeeds if a TCP connection from namespace $1 to $2:$3 is established.
t_tcp_connects() {
    ip netns exec "$1" python3 -c '
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)' "$2" "$3"
}

t_forwarding() { cat /proc/sys/net/ipv4/ip_forward; }

# Those of pids $@ that are still running.  A killed process stays a zombie
# until PID 1 reaps it (here, seconds later), and kill -0 succeeds on a
# zombie: it is dead, though, and in no namespace.
t_running() {
    local pid
    for pid in "$@"; do
        ps -o stat= -p "$pid" 2>/dev/null | grep -qv '^Z' && echo "$pid"
    done
}

# --- seed 002: switch, host gateway, NAT to "upstream", port 8080 -----------
a=$(t_lab_name)
t_cleanup_lab "$a"
t_ok "seed002 NAT lab comes up" "$OVS_LAB" up -q --name "$a" "$SCENARIOS/seed002-bridge-nat.yaml"
t_match "nft shows table ip ovs-lab-$a with the masquerade" \
    'ip saddr 10\.10\.0\.0/16 oifname "seed2-up0" masquerade' nft list table ip "ovs-lab-$a"
t_match "nft shows the forward of port 8080 to earth:8000" \
    'tcp dport 8080 dnat to 10\.10\.0\.10:8000' nft list table ip "ovs-lab-$a"
t_match "IPv4 forwarding is on" '^1$' t_forwarding

# A second lab may not take host port 8080 over.
b=$(t_lab_name)
t_cleanup_lab "$b"
cat >"$T_TMP/same-port.yaml" <<EOF
switches:
  sw: {gateway: 10.203.0.1/24}
nodes:
  web:
    interfaces: {eth0: {switch: sw, address: 10.203.0.10/24}}
host:
  forward: [{port: 8080, to: web, to-port: 8000}]
EOF
t_match "a second lab forwarding port 8080 is refused, naming the first" \
    "host port 8080/tcp \(line 7\) is already forwarded by lab $a, to earth" \
    "$OVS_LAB" up -q --name "$b" "$T_TMP/same-port.yaml"
t_assert_nothing_left "$b"
t_match "the first lab's forward is still there" 'tcp dport 8080 dnat to 10\.10\.0\.10:8000' \
    nft list table ip "ovs-lab-$a"

# (1) Egress NAT: upstream sees the host's address, and has no route back.
t_tcp_echo_server "$a-upstream" 9000 "$T_TMP/peer-a"
t_ok "TCP neptune -> upstream carries 256 KiB through the NAT" \
    t_tcp_transfer "$a-neptune" 203.0.113.2 9000
t_match "upstream saw the host's address 203.0.113.1, not neptune's" \
    '^203\.0\.113\.1$' cat "$T_TMP/peer-a"
t_fails "upstream has no route to the lab: earth:8000 is unreachable" \
    t_tcp_connects "$a-upstream" 10.10.0.10 8000

# (2) Port forwarding from outside: upstream -> host:8080 -> earth:8000.
t_ok "upstream gets earth's web page through host port 8080" \
    t_http_get "$a-upstream" 203.0.113.1 8080
t_match "earth's server saw upstream's own address (no SNAT from outside)" \
    '^203\.0\.113\.2 .*"GET / ' cat "/run/ovs-lab/labs/$a/earth-start1.log"

# (3) The host itself as the client, and a node of the lab (hairpin).
t_ok "the host gets the page at its upstream-side address 203.0.113.1:8080" \
    t_http_get "" 203.0.113.1 8080
t_ok "the host gets the page at its gateway address 10.10.0.1:8080" \
    t_http_get "" 10.10.0.1 8080
t_ok "neptune, beside earth, gets the page through 10.10.0.1:8080" \
    t_http_get "$a-neptune" 10.10.0.1 8080

# --- More labs at once: NAT without "out", no NAT, a separate upstream ------
# Subnets depend on the pid, so that another run's labs do not clash.
o=$(($$ % 200 + 20))
u=$(t_lab_name)
n=$(t_lab_name)
p=$(t_lab_name)
t_cleanup_lab "$u"
t_cleanup_lab "$n"
t_cleanup_lab "$p"
cat >"$T_TMP/upstream.yaml" <<EOF
nodes:
  net:
    interfaces:
      eth0: {host: {address: 198.18.$o.1/24}, address: 198.18.$o.2/24}
EOF
cat >"$T_TMP/natted.yaml" <<EOF
switches:
  sw: {gateway: 10.201.$o.1/24}
nodes:
  client:
    interfaces: {eth0: {switch: sw, address: 10.201.$o.10/24}}
    routes: [{to: default, via: 10.201.$o.1}]
host:
  nat: [{source: 10.201.$o.0/24}]
  forward: [{port: 5301, to: client, to-port: 5300, protocol: udp}]
EOF
cat >"$T_TMP/plain.yaml" <<EOF
switches:
  sw: {gateway: 10.202.$o.1/24}
nodes:
  client:
    interfaces: {eth0: {switch: sw, address: 10.202.$o.10/24}}
    routes: [{to: default, via: 10.202.$o.1}]
EOF
t_ok "upstream lab comes up" "$OVS_LAB" up -q --name "$u" "$T_TMP/upstream.yaml"
t_ok "lab with NAT and no 'out' comes up" "$OVS_LAB" up -q --name "$n" "$T_TMP/natted.yaml"
t_ok "lab without NAT comes up" "$OVS_LAB" up -q --name "$p" "$T_TMP/plain.yaml"
t_fails "a lab without NAT has no nftables table" nft list table ip "ovs-lab-$p"
t_match "nft: masquerade through every interface but the lab's bridge" \
    "ip saddr 10\\.201\\.$o\\.0/24 oifname != \"$n-sw\" masquerade" nft list table ip "ovs-lab-$n"

t_tcp_echo_server "$u-net" 9001 "$T_TMP/peer-n"
t_ok "TCP from the NAT lab to another lab's upstream carries 256 KiB" \
    t_tcp_transfer "$n-client" "198.18.$o.2" 9001
t_match "that upstream saw the host's address 198.18.$o.1" \
    "^198\\.18\\.$o\\.1\$" cat "$T_TMP/peer-n"

t_udp_peer_server "$u-net" 9002 "$T_TMP/peer-p"
t_fails "the lab without NAT gets no answer from the upstream" \
    t_udp_transfer "$p-client" "198.18.$o.2" 9002
t_match "...which got its private address and had no route back to it" \
    "^10\\.202\\.$o\\.10 cannot answer: Network is unreachable\$" cat "$T_TMP/peer-p"

t_udp_peer_server "$n-client" 5300 "$T_TMP/peer-udp"
t_ok "UDP upstream -> host:5301 is forwarded to the NAT lab's client:5300" \
    t_udp_transfer "$u-net" "198.18.$o.1" 5301
t_match "...which saw upstream's own address and answered" \
    "^198\\.18\\.$o\\.2 answered\$" cat "$T_TMP/peer-udp"

# --- Forwarding is shared, and restored when the last lab goes --------------
t_match "two labs hold IPv4 forwarding" "^$a\$" cat /run/ovs-lab/ip_forward.labs
t_match "...the second one" "^$n\$" cat /run/ovs-lab/ip_forward.labs
t_ok "the NAT lab without 'out' goes down" "$OVS_LAB" down -q "$n"
t_fails "its table is gone" nft list table ip "ovs-lab-$n"
t_match "forwarding stays on for seed002's lab" '^1$' t_forwarding
t_tcp_echo_server "$a-upstream" 9003 "$T_TMP/peer-a2"
t_ok "seed002's NAT still works" t_tcp_transfer "$a-earth" 203.0.113.2 9003
t_match "...as 203.0.113.1" '^203\.0\.113\.1$' cat "$T_TMP/peer-a2"

pids=$(t_lab_pids "$a")
t_ok "seed002 NAT lab goes down" "$OVS_LAB" down -q "$a"
t_fails "nft list table ip ovs-lab-$a fails after down" nft list table ip "ovs-lab-$a"
t_match "IPv4 forwarding is back to $fwd_before" "^$fwd_before\$" t_forwarding
t_fails "no lab holds forwarding any more" test -e /run/ovs-lab/ip_forward.labs
t_assert_nothing_left "$a" $(t_running $pids)
for lab in "$n" "$p" "$u"; do
    "$OVS_LAB" down -q "$lab" >/dev/null 2>&1
    t_assert_nothing_left "$lab"
done

# --- A refused NAT setup rolls the whole lab back ---------------------------
r=$(t_lab_name)
t_cleanup_lab "$r"
cat >"$T_TMP/ipv6-nat.yaml" <<EOF
switches:
  sw: {gateway: 'fd00:77::1/64'}
nodes:
  a:
    interfaces: {eth0: {switch: sw, address: 'fd00:77::10/64'}}
host:
  nat: [{source: 'fd00:77::/64'}]
EOF
t_match "an IPv6 NAT source is refused" "not IPv4" \
    "$OVS_LAB" up -q --name "$r" "$T_TMP/ipv6-nat.yaml"
t_fails "...leaving no table" nft list table ip "ovs-lab-$r"
t_match "...and forwarding as it was" "^$fwd_before\$" t_forwarding
t_assert_nothing_left "$r"

t_done
