# Helpers for ovs-lab's system test scripts (bash, root).
#
# A test script sources this file, then:
#
#     lab=$(t_lab_name)               # unique lab name for this run
#     t_cleanup_lab "$lab"            # "ovs-lab down" it at exit, whatever happens
#     t_ok "nodes reach each other" ip netns exec "$lab-a" ping -c1 -W2 10.0.0.2
#     t_fails "other VLAN is unreachable" ip netns exec ...
#     t_done                          # prints "N passed, N failed", exits
#
# Every assertion runs a real command and looks at the system from outside
# ovs-lab: ip, ovs-vsctl, ping, python3 sockets.

set -u
: "${OVS_LAB_BUILDDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${OVS_LAB_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
OVS_LAB=$OVS_LAB_BUILDDIR/ovs-lab
SCENARIOS=$OVS_LAB_SRCDIR/scenarios
PRIVATE_DB=unix:/run/ovs-lab/ovs/db.sock
T_TMP=$(mktemp -d /tmp/ovs-lab-test.XXXXXX)
t_passed=0
t_failed=0
t_labs=()
t_exit_cmds=()

# A lab name no other run uses (the pid), nor this one before (a counter):
# short, because OVS bridge names are "LAB-SWITCH" and must fit in 15
# bytes.  The counter is a file because callers run this in $(...), a
# subshell.  (It was a random byte: two labs of one script collided.)
t_lab_name() {
    local n=0
    [ -f "$T_TMP/lab-counter" ] && n=$(cat "$T_TMP/lab-counter")
    n=$((n + 1))
    echo "$n" >"$T_TMP/lab-counter"
    printf 't%x%02x' $$ "$n"
}

t_pass() { t_passed=$((t_passed + 1)); echo "PASS: $1"; }
t_fail() { t_failed=$((t_failed + 1)); echo "FAIL: $1"; }

# t_ok DESCRIPTION COMMAND...: COMMAND must succeed.
t_ok() {
    local desc=$1; shift
    local out
    if out=$("$@" 2>&1); then
        t_pass "$desc"
    else
        t_fail "$desc"
        echo "    command: $*"
        echo "$out" | head -n 20 | sed 's/^/    /'
    fi
}

# t_fails DESCRIPTION COMMAND...: COMMAND must fail.
t_fails() {
    local desc=$1; shift
    local out
    if out=$("$@" 2>&1); then
        t_fail "$desc"
        echo "    command unexpectedly succeeded: $*"
        echo "$out" | head -n 20 | sed 's/^/    /'
    else
        t_pass "$desc"
    fi
}

# t_match DESCRIPTION REGEX COMMAND...: COMMAND's output matches REGEX.
t_match() {
    local desc=$1 regex=$2; shift 2
    local out
    out=$("$@" 2>&1)
    if grep -Eq -- "$regex" <<<"$out"; then
        t_pass "$desc"
    else
        t_fail "$desc"
        echo "    command: $*"
        echo "    expected to match: $regex"
        echo "$out" | head -n 20 | sed 's/^/    /'
    fi
}

t_cleanup_lab() {
    t_labs+=("$1")
}

# t_at_exit COMMAND: run COMMAND (no arguments; a function, say) at exit,
# after the labs' "ovs-lab down", whatever happens.
t_at_exit() {
    t_exit_cmds+=("$1")
}

t_exit_cleanup() {
    local lab cmd
    for lab in "${t_labs[@]}"; do
        "$OVS_LAB" down -q "$lab" >/dev/null 2>&1
    done
    for cmd in "${t_exit_cmds[@]}"; do
        "$cmd" >/dev/null 2>&1
    done
    rm -rf "$T_TMP"
}
trap t_exit_cleanup EXIT
trap 'exit 130' INT TERM

# t_wait_process NETNS NAME: waits up to 10 s until a process named NAME
# runs in namespace NETNS (e.g. a lab's command, before interrupting it).
t_wait_process() {
    local _
    for _ in $(seq 200); do
        ip netns exec "$1" pgrep -x "$2" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

t_done() {
    echo "$t_passed passed, $t_failed failed"
    [ "$t_failed" = 0 ]
    exit
}

# TCP from namespace $1 (empty: the host) to $2:$3: sends 256 KiB and
# expects them echoed back, so the data really crossed (ping alone proves
# nothing with the userspace datapath).  The server side: t_tcp_echo_server.
t_tcp_transfer() {
    local in_ns=(ip netns exec "$1")
    [ -n "$1" ] || in_ns=()
    "${in_ns[@]}" python3 - "$2" "$3" <<'EOF'
import socket, sys
data = bytes(range(256)) * 1024
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    got += chunk
sys.exit(0 if got == data else 1)
EOF
}

# Starts a TCP echo server for one connection in namespace $1 on port $2,
# in the background; waits until it listens.  With $3, it writes the
# client's address to that file (what NAT made of it).
t_tcp_echo_server() {
    ip netns exec "$1" python3 - "$2" "${3:-}" <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
s.listen(1)
s.settimeout(20)
try:
    c, peer = s.accept()
except socket.timeout:
    sys.exit(1)
if sys.argv[2]:
    open(sys.argv[2], "w").write(peer[0] + "\n")
c.settimeout(5)
while True:
    d = c.recv(65536)
    if not d:
        break
    c.sendall(d)
c.close()
EOF
    t_wait_listening "$1" "$2" -t
}

# Waits up to 5 s until something in namespace $1 listens on port $2;
# $3 is -t (TCP) or -u (UDP).
t_wait_listening() {
    local i
    for i in $(seq 50); do
        ip netns exec "$1" ss -Hln "$3" "sport = :$2" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# The lab's OVS rows, seen by ovs-vsctl (a separate process).
t_ovs_rows() {
    local lab=$1 table
    [ -S /run/ovs-lab/ovs/db.sock ] || return 0
    for table in bridge port interface; do
        ovs-vsctl --db="$PRIVATE_DB" --timeout=5 --bare --columns=name \
            find "$table" "external_ids:ovs-lab.lab=$lab"
    done
}

# The host devices ovs-vswitchd made for lab $1's switches (their
# internal ports: each bridge's own, gateways on VLANs), from its rows.
t_switch_devices() {
    ovs-vsctl --db="$PRIVATE_DB" --timeout=5 --bare --columns=name \
        find interface "external_ids:ovs-lab.lab=$1" type=internal
}

# Everything of lab $1 left on the system, one object per line.
t_leftovers() {
    local lab=$1
    ip netns list | awk '{print $1}' | grep "^$lab-" | sed 's/^/namespace /'
    ip -o link show | grep -F "alias ovs-lab:$lab:" | awk -F': ' '{print "link " $2}'
    [ -d "/run/ovs-lab/labs/$lab" ] && echo "state /run/ovs-lab/labs/$lab"
    ls -d "/etc/netns/$lab-"* 2>/dev/null | sed 's/^/file /'
    t_ovs_rows "$lab" | grep . | sed 's/^/ovs /'
}

# Whether process $1 runs.  A zombie does not: it is dead, only its parent
# (maybe this shell, or an init that reaps late) has yet to reap it.
t_pid_alive() {
    case $(ps -o stat= -p "$1" 2>/dev/null) in
        ''|Z*) return 1 ;;
    esac
}

# Asserts that lab $1 left nothing behind; $2... are pids that were in its
# namespaces and must be gone.
t_assert_nothing_left() {
    local lab=$1; shift
    local left pid
    left=$(t_leftovers "$lab")
    for pid in "$@"; do
        t_pid_alive "$pid" && left+=$'\n'"process $pid ($(ps -o args= -p "$pid"))"
    done
    left=$(echo "$left" | grep .)
    if [ -z "$left" ]; then
        t_pass "lab $lab left nothing behind"
    else
        t_fail "lab $lab left nothing behind"
        echo "$left" | sed 's/^/    /'
    fi
}

# The pids of every process in lab $1's namespaces.
t_lab_pids() {
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^$1-"); do
        ip netns pids "$ns"
    done
}
