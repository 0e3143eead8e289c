#!/bin/bash
# System test of "ovs-lab ovs start|stop|status" (root): the private Open
# vSwitch kept running without labs, and stopped again.
#
# There is one private Open vSwitch per machine (/run/ovs-lab/ovs), which
# other runs' labs may be using meanwhile.  So the script runs itself again
# in a mount namespace of its own with a tmpfs on /run/ovs-lab (its own
# private OVS, lab records and locks), and in a network namespace of its
# own (two ovs-vswitchd with the userspace datapath cannot share one).  The
# labs' namespaces are in /run/netns as usual, mounted in the test's mount
# namespace only.
if [ -z "${T_OVS_COMMAND_INSIDE:-}" ]; then
    exec unshare --mount --net --propagation private \
        env T_OVS_COMMAND_INSIDE=1 "$0" "$@"
fi
# The huge pages check below needs malloc's tunables as ovs-lab sets them.
unset GLIBC_TUNABLES
mkdir -p /run/ovs-lab
mount -t tmpfs -o mode=0755 ovs-lab-test /run/ovs-lab || exit 1
ip link set lo up

. "$(dirname "$0")/lib.sh"

OVS_DIR=/run/ovs-lab/ovs

# The pid of daemon $1 of the private OVS, empty if it does not run.
daemon_pid() {
    local pid
    pid=$(cat "$OVS_DIR/$1.pid" 2>/dev/null) || return 0
    t_pid_alive "$pid" && echo "$pid"
}

# Whatever happens: no daemon of this test's private OVS survives it (they
# would keep its namespaces alive).
kill_daemons() {
    local daemon pid
    "$OVS_LAB" ovs -q stop
    for daemon in ovs-vswitchd ovsdb-server; do
        pid=$(daemon_pid "$daemon")
        [ -n "$pid" ] && kill -9 "$pid"
    done
}
t_at_exit kill_daemons

cat >"$T_TMP/pair.yaml" <<EOF
switches:
  sw: {}
nodes:
  a: {interfaces: {eth0: {switch: sw, vlan: 10, address: 10.9.1.1/24}}}
  b: {interfaces: {eth0: {switch: sw, vlan: 10, address: 10.9.1.2/24}}}
EOF

# True if no daemon of the private OVS runs.
no_daemon() {
    [ -z "$(daemon_pid ovsdb-server)$(daemon_pid ovs-vswitchd)" ]
}

# True if the private OVS is stopped: no daemon, and no directory.
ovs_stopped() {
    no_daemon && [ ! -e "$OVS_DIR" ]
}

# Waits up to 10 s for the private OVS to be stopped: the last lab's down
# stops it in the background.
wait_ovs_stopped() {
    for _ in $(seq 100); do
        ovs_stopped && break
        sleep 0.1
    done
}

# Brings lab $1 up, checks that it forwards (TCP: ping alone proves nothing
# with the userspace datapath) with port $2.
up_and_transfer() {
    t_ok "lab $1 comes up" "$OVS_LAB" up -q --name "$1" "$T_TMP/pair.yaml"
    t_tcp_echo_server "$1-b" "$2"
    t_ok "lab $1: TCP a -> b carries 256 KiB" t_tcp_transfer "$1-a" 10.9.1.2 "$2"
}

# --- nothing runs -------------------------------------------------------------
t_match "status: not running" "not running" "$OVS_LAB" ovs status
t_fails "status: exit status 3 when not running" "$OVS_LAB" ovs status
"$OVS_LAB" ovs status >/dev/null 2>&1
t_ok "status: it is 3" test $? = 3
t_match "stop when nothing runs: says so" "not running" "$OVS_LAB" ovs stop

# --- start: kept across labs ---------------------------------------------------
t_match "start starts it" "started in $OVS_DIR" "$OVS_LAB" ovs start
server=$(daemon_pid ovsdb-server)
vswitchd=$(daemon_pid ovs-vswitchd)
t_ok "ovsdb-server and ovs-vswitchd run" test -n "$server" -a -n "$vswitchd"
t_match "start had ovs-vswitchd do its once-per-process datapath work" \
    "Estimated TSC frequency" cat "$OVS_DIR/ovs-vswitchd.log"
t_fails "... and left no datapath device (only lo)" \
    bash -c "ip -o link show | grep -v ': lo:'"
t_ok "its database answers ovs-vsctl" \
    ovs-vsctl --db="$PRIVATE_DB" --timeout=5 show
schema=/usr/share/openvswitch/vswitch.ovsschema
t_match "its database file is Open_vSwitch, as ovsdb-tool reads it" \
    "^Open_vSwitch$" ovsdb-tool db-name "$OVS_DIR/conf.db"
t_match "... with the installed schema's version" \
    "^$(ovsdb-tool schema-version "$schema" | sed 's/\./\\./g')$" \
    ovsdb-tool db-version "$OVS_DIR/conf.db"
t_match "... and its checksum" "^$(ovsdb-tool schema-cksum "$schema")$" \
    ovsdb-tool db-cksum "$OVS_DIR/conf.db"
t_match "status: kept, with its database" \
    "kept until.*database: +$PRIVATE_DB" bash -c "'$OVS_LAB' ovs status | tr '\n' ' '"
t_match "status: no lab" "labs: +none" "$OVS_LAB" ovs status

lab=$(t_lab_name)
t_cleanup_lab "$lab"
up_and_transfer "$lab" 7101
t_match "status lists the lab" "labs: +$lab" "$OVS_LAB" ovs status
# Where the kernel gives transparent huge pages only on request, only
# glibc.malloc.hugetlb (set by ovs-lab) puts ovs-vswitchd's heap on them.
if grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
then
    t_ok "ovs-vswitchd's heap is on huge pages" \
        awk '$1 == "AnonHugePages:" { found = $2 > 0 } END { exit !found }' \
        "/proc/$vswitchd/smaps_rollup"
fi
pids=$(t_lab_pids "$lab")
t_ok "lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab" $pids
t_ok "the kept OVS still runs, the same daemons" \
    test "$(daemon_pid ovsdb-server) $(daemon_pid ovs-vswitchd)" = "$server $vswitchd"
t_match "start again: already running, kept" "running in $OVS_DIR" \
    "$OVS_LAB" ovs start

lab=$(t_lab_name)
t_cleanup_lab "$lab"
up_and_transfer "$lab" 7102
t_ok "the next lab used the same daemons" \
    test "$(daemon_pid ovsdb-server) $(daemon_pid ovs-vswitchd)" = "$server $vswitchd"

# --- stop with a lab in it: stops with the last lab's down ----------------------
t_match "stop with a lab up names it" "still carries labs \\($lab\\)" \
    "$OVS_LAB" ovs stop
t_ok "it still runs for the lab" test -n "$(daemon_pid ovs-vswitchd)"
t_match "status: no longer kept" "stops with the last lab" "$OVS_LAB" ovs status
t_tcp_echo_server "$lab-b" 7103
t_ok "the lab still forwards" t_tcp_transfer "$lab-a" 10.9.1.2 7103
t_ok "lab goes down" "$OVS_LAB" down -q "$lab"
wait_ovs_stopped
t_ok "with it the OVS stopped: no daemon, no directory" \
    ovs_stopped

# --- down while the private OVS is dead -------------------------------------------
# Killed, its daemons leave the lab's rows in the database and the tap
# devices of its bridges (and ovs-netdev) on the system.  "down" starts it
# again to remove them, then stops it, as the last lab's down does; if it
# cannot start, "down" fails and keeps the lab's record.
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "lab $lab comes up" "$OVS_LAB" up -q --name "$lab" "$T_TMP/pair.yaml"
kill_ovs_dead() {
    local pids="$(daemon_pid ovsdb-server) $(daemon_pid ovs-vswitchd)"
    kill -9 $pids
    for _ in $(seq 50); do
        no_daemon && break
        sleep 0.1
    done
}
kill_ovs_dead
t_ok "the killed OVS left the tap device of the lab's bridge" ip link show "$lab-sw"
# A database ovsdb-server cannot read: the OVS cannot start.
cp "$OVS_DIR/conf.db" "$T_TMP/conf.db"
echo garbage >"$OVS_DIR/conf.db"
t_match "down when the OVS cannot start again says so" \
    "cannot start ovs-lab's private Open vSwitch" "$OVS_LAB" down -q "$lab"
t_fails "... and fails" "$OVS_LAB" down -q "$lab"
t_ok "... and keeps the lab's record" test -d "/run/ovs-lab/labs/$lab"
cp "$T_TMP/conf.db" "$OVS_DIR/conf.db"
pids=$(t_lab_pids "$lab")
t_ok "down starts the dead OVS again to remove the lab" "$OVS_LAB" down -q "$lab"
t_fails "the tap device of the lab's bridge is gone" ip link show "$lab-sw"
t_assert_nothing_left "$lab" $pids
wait_ovs_stopped
t_ok "the OVS stopped again: no daemon, no directory" \
    ovs_stopped
t_fails "no device is left (only lo)" bash -c "ip -o link show | grep -v ': lo:'"
up_and_transfer "$lab" 7104
t_ok "the lab comes up again and goes down" "$OVS_LAB" down -q "$lab"

# Waits up to 10 s for file $1 to exist (a stand-in daemon made it).
wait_for_file() {
    for _ in $(seq 200); do
        [ -e "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# Starts "up" of pair.yaml as lab $1, with the stand-ins in $wrap first on
# PATH, and kills it (SIGKILL) once file $2 exists: a stand-in made it, so
# the up is as far as the test wants it.  $3 describes that moment.
kill_up_at() {
    local up_pid
    PATH=$wrap:$PATH "$OVS_LAB" up -q --name "$1" "$T_TMP/pair.yaml" >/dev/null 2>&1 &
    up_pid=$!
    t_ok "$3" wait_for_file "$2"
    kill -KILL "$up_pid"
    wait "$up_pid" 2>/dev/null
}

# --- down right after an up killed while ovsdb-server started ----------------
# A killed "up" does not take the daemons it was starting along: they go on
# starting.  An OVS daemon takes its pidfile first thing and opens its
# database and its socket only then, so the "down" right after found
# ovsdb-server running but not listening yet, said "cannot connect" and
# failed (a second "down" worked).  On PATH, a stand-in for ovsdb-server
# holds the pidfile as the daemon does, and becomes the real one (which
# keeps the lock with the descriptor, and replaces the file) only once
# "$wrap/server-go" is there.
wrap=$T_TMP/wrap
mkdir -p "$wrap"
real_server=$(PATH=$PATH:/usr/sbin command -v ovsdb-server)
cat >"$wrap/ovsdb-server" <<EOF
#!/usr/bin/python3
import fcntl, os, sys, time
args = [a for a in sys.argv[1:] if a != "--detach"]
pidfile = [a for a in args if a.startswith("--pidfile=")][0].split("=", 1)[1]
fd = os.open(pidfile, os.O_RDWR | os.O_CREAT, 0o644)
os.set_inheritable(fd, True)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.write(fd, b"%d\n" % os.getpid())
open("$wrap/server-holds", "w").close()
while not os.path.exists("$wrap/server-go"):
    time.sleep(0.02)
os.execv("$real_server", ["ovsdb-server", "--overwrite-pidfile"] + args)
EOF
chmod +x "$wrap/ovsdb-server"
lab=$(t_lab_name)
t_cleanup_lab "$lab"
kill_up_at "$lab" "$wrap/server-holds" \
    "(the up started ovsdb-server, which holds its pidfile)"
(sleep 1; touch "$wrap/server-go") &
go_pid=$!
t_ok "down right after waits for ovsdb-server to listen" \
    "$OVS_LAB" down -q "$lab"
wait "$go_pid"
"$OVS_LAB" down -q "$lab" >/dev/null 2>&1   # If the first one failed.
t_assert_nothing_left "$lab"
wait_ovs_stopped
t_ok "the OVS stopped again: no daemon, no directory" \
    ovs_stopped
rm -rf "$wrap"

# --- down right after an up killed while it started a daemon, which has no
# pidfile yet: "down" starts one too, which gives up ("already running")
# when the other takes the pidfile first.  "down" stopped the other one then
# and failed; it uses it now, like one found running.  Stand-ins on PATH:
# the first one (the killed up's) waits until the second (the down's) is
# started, which waits until the first holds the pidfile (its control
# socket comes right after).  For each daemon.
wrap=$T_TMP/wrap
for daemon in ovsdb-server ovs-vswitchd; do
    rm -rf "$wrap"
    mkdir -p "$wrap"
    cat >"$wrap/$daemon" <<EOF
#!/bin/bash
if mkdir "$wrap/1" 2>/dev/null; then
    while [ ! -e "$wrap/2" ]; do sleep 0.02; done
else
    mkdir "$wrap/2"
    while [ ! -S "$OVS_DIR/$daemon.ctl" ]; do sleep 0.02; done
fi
exec "$(PATH=$PATH:/usr/sbin command -v $daemon)" "\$@"
EOF
    chmod +x "$wrap/$daemon"
    lab=$(t_lab_name)
    t_cleanup_lab "$lab"
    kill_up_at "$lab" "$wrap/1" "(the up started $daemon)"
    t_ok "down right after, while $daemon starts, uses that one" \
        env PATH="$wrap:$PATH" "$OVS_LAB" down -q "$lab"
    t_ok "(down started a second $daemon, which gave up)" test -e "$wrap/2"
    mkdir -p "$wrap/2"
    "$OVS_LAB" down -q "$lab" >/dev/null 2>&1   # If the first one failed.
    t_assert_nothing_left "$lab"
    wait_ovs_stopped
    t_ok "the OVS stopped again: no daemon, no directory" \
        ovs_stopped
done
rm -rf "$wrap"

# --- down after an up killed while it created the database --------------------
# Before the database is in place, a start leaves the directory, with at
# most the temporary database file, and the lock file next to it (as
# test-ovs.c's test_killed_creator makes them); nothing runs, so "down"
# does not start the private OVS, and left them behind.
cat >"$T_TMP/veth.yaml" <<EOF
nodes:
  a: {interfaces: {eth0: {peer: b.eth0, address: 10.9.2.1/24}}}
  b: {interfaces: {eth0: {address: 10.9.2.2/24}}}
EOF
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "lab $lab (no switch) comes up" "$OVS_LAB" up -q --name "$lab" "$T_TMP/veth.yaml"
mkdir "$OVS_DIR"
echo partial >"$OVS_DIR/conf.db.tmp"
touch "$OVS_DIR.lock"
t_ok "down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"
t_ok "and removes what the killed start left: no directory, no lock file" \
    test ! -e "$OVS_DIR" -a ! -e "$OVS_DIR.lock"
t_ok "nothing was started for it" \
    no_daemon
rm -rf "$OVS_DIR" "$OVS_DIR.lock"   # If down left them.

# --- Ctrl-C while up starts ovsdb-server: up's to handle, not the starter's --
# A terminal's Ctrl-C goes to its whole foreground process group.  The
# daemons' starters (the process of "ovsdb-server --detach" that waits for
# the daemon to be ready) were in up's group: Ctrl-C killed the starter and
# up blamed the daemon ("ovsdb-server failed (killed (Interrupt))"), while
# the daemon, already in a session of its own, could live on and be left
# running.  Starters now have a group of their own, and up rolls back and
# stops what it started.  The stand-in does what --detach does: the daemon
# is a child in a new session, the parent waits; both wait for "$wrap/go"
# first, so that the Ctrl-C finds them there.
rm -rf "$wrap"
mkdir -p "$wrap"
cat >"$wrap/ovsdb-server" <<EOF
#!/usr/bin/python3
import os, sys, time
def wait_go():
    while not os.path.exists("$wrap/go"):
        time.sleep(0.02)
pid = os.fork()
if pid == 0:
    os.setsid()
    wait_go()
    os.execv("$real_server", ["ovsdb-server"] + sys.argv[1:])
open("$wrap/started", "w").close()
wait_go()
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
EOF
chmod +x "$wrap/ovsdb-server"
lab=$(t_lab_name)
t_cleanup_lab "$lab"
PATH=$wrap:$PATH setsid "$OVS_LAB" up -q --name "$lab" "$T_TMP/pair.yaml" >"$T_TMP/ctrlc.out" 2>&1 &
up_pid=$!
t_ok "(the up is starting ovsdb-server)" wait_for_file "$wrap/started"
kill -INT -- "-$up_pid"
sleep 0.2
touch "$wrap/go"
wait "$up_pid"
t_ok "the up interrupted by Ctrl-C exits 130" test $? = 130
t_match "it says it was interrupted" 'interrupted' cat "$T_TMP/ctrlc.out"
t_fails "it does not blame ovsdb-server" grep -q 'ovsdb-server failed' "$T_TMP/ctrlc.out"
t_assert_nothing_left "$lab"
wait_ovs_stopped
t_ok "no daemon it was starting is left: the OVS stopped, no directory" \
    ovs_stopped
rm -rf "$wrap"

# --- start, stop: nothing left -------------------------------------------------
t_ok "start" "$OVS_LAB" ovs -q start
server=$(daemon_pid ovsdb-server)
vswitchd=$(daemon_pid ovs-vswitchd)
t_match "stop without labs stops it" "stopped" "$OVS_LAB" ovs stop
t_fails "its daemons are gone when stop returns" t_pid_alive "$server"
t_fails "(both)" t_pid_alive "$vswitchd"
t_ok "its directory is gone" test ! -e "$OVS_DIR"
t_fails "no device of it is left (only lo)" \
    bash -c "ip -o link show | grep -v ': lo:'"

# --- start where ovs-vswitchd cannot make a userspace datapath: a warning -------
# As in a container without /dev/net/tun: ovs-vswitchd starts, but it could
# not give a lab's switch its datapath.  "ovs start" warms it up by making
# one, and says on stderr what that failure means; it still keeps it.
t_match "start without /dev/net/tun warns on stderr that up will fail" \
    '^ovs-lab: warning: .*could not create a userspace datapath.*"up" will likely fail' \
    unshare --mount --propagation private sh -c \
    'mount --bind /dev/null /dev/net/tun && "$0" ovs start 2>&1 >/dev/null' "$OVS_LAB"
t_match "... and still keeps it running" "running, kept until" "$OVS_LAB" ovs status
t_match "stop stops it" "stopped" "$OVS_LAB" ovs stop
t_ok "its directory is gone" test ! -e "$OVS_DIR"

# --- another ovs-vswitchd with the userspace datapath in the namespace ------------
# It holds the tap device "ovs-netdev"; so does this stand-in.
python3 -c '
import fcntl, os, struct, time
fd = os.open("/dev/net/tun", os.O_RDWR)
IFF_TAP, IFF_NO_PI, TUNSETIFF = 0x0002, 0x1000, 0x400454ca
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"ovs-netdev", IFF_TAP | IFF_NO_PI))
time.sleep(120)
' &
holder=$!
kill_holder() { kill "$holder" 2>/dev/null; }
t_at_exit kill_holder
for _ in $(seq 50); do
    ip link show ovs-netdev >/dev/null 2>&1 && break
    sleep 0.1
done
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_match "up beside another userspace ovs-vswitchd: says what is wrong" \
    "another ovs-vswitchd with the userspace datapath.*ovs-netdev.*--ovsdb" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/pair.yaml"
t_fails "... and fails" "$OVS_LAB" up -q --name "$lab" "$T_TMP/pair.yaml"
t_fails "ovs start says so too (fails)" "$OVS_LAB" ovs -q start
t_ok "no daemon of the private OVS is left" \
    no_daemon
t_ok "nor its directory" test ! -e "$OVS_DIR"
t_ok "nor its lock file" test ! -e "$OVS_DIR.lock"
t_fails "nor a namespace of the lab" bash -c "ip netns list | grep -q '^$lab-'"
kill_holder
wait "$holder" 2>/dev/null

# --- usage ------------------------------------------------------------------------
t_match "an unknown action is a usage error" "expected start, stop or status" \
    "$OVS_LAB" ovs restart
"$OVS_LAB" ovs restart >/dev/null 2>&1
t_ok "with exit status 2" test $? = 2

t_done
