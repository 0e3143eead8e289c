#!/bin/bash
# Tests of ovs-lab's command line that need no root: where options may
# stand, and usage errors (exit status 2, naming the command).  Only
# "validate" and usage errors run here; nothing touches the system.
. "$(dirname "$0")/../system/lib.sh"

scenario=$OVS_LAB_SRCDIR/scenarios/vlan-isolation.yaml
bad=$OVS_LAB_SRCDIR/tests/invalid/bad-cidr.yaml

# Runs ovs-lab with $@, storing its output in $out and exit status in $rc.
run_ovs_lab() {
    out=$("$OVS_LAB" "$@" 2>&1)
    rc=$?
}

# --- options before or after the arguments -------------------------------------
run_ovs_lab validate "$scenario"
t_ok "validate FILE: exit status 0" test "$rc" = 0
t_match "validate FILE: says ok" "ok" echo "$out"

run_ovs_lab validate -q "$scenario"
t_ok "validate -q FILE: exit status 0" test "$rc" = 0
quiet_before=$out
run_ovs_lab validate "$scenario" -q
t_ok "validate FILE -q: exit status 0 (options after the file)" \
    test "$rc" = 0
t_ok "validate FILE -q: the same output as -q FILE" \
    test "$out" = "$quiet_before"
run_ovs_lab validate "$scenario" --name=other-name
t_ok "validate FILE --name=LAB: exit status 0" test "$rc" = 0
run_ovs_lab validate "$scenario" "$scenario" --name='bad name!'
t_ok "validate with an invalid --name: exit status 2" test "$rc" = 2
t_match "...said once, with what a name may hold" \
    '^1$' bash -c "\"$OVS_LAB\" validate '$scenario' '$scenario' --name='bad name!' 2>&1 | grep -c 'invalid lab name \"bad name!\" for --name; use 1 to'"

run_ovs_lab validate "$bad" -q
t_ok "an invalid file is still reported with -q after it: exit status 1" \
    test "$rc" = 1
t_match "... with file, line and column" "bad-cidr.yaml:[0-9]+:[0-9]+" \
    echo "$out"

# "--" ends the options: what follows is a file even if it looks like one.
run_ovs_lab validate -- -q
t_ok "validate -- -q: -q is a file name (exit status 1)" test "$rc" = 1
t_match "... that is not there" "-q" echo "$out"

# --- usage errors: exit status 2, before anything is done ------------------------
run_ovs_lab up "$scenario" --bogus
t_ok "up FILE --bogus: exit status 2" test "$rc" = 2
t_match "... naming the command and the option" \
    "^ovs-lab up: option '--bogus' is not known here" echo "$out"
t_match "... and where the help is" "see ovs-lab up --help" echo "$out"
run_ovs_lab status --name=x
t_ok "status --name: exit status 2 (not an option of status)" test "$rc" = 2
run_ovs_lab up "$scenario" "$scenario"
t_ok "up with two files: exit status 2" test "$rc" = 2
t_match "... too many arguments" "too many arguments" echo "$out"
run_ovs_lab down
t_ok "down without a lab: exit status 2" test "$rc" = 2
t_match "... missing arguments" "missing arguments" echo "$out"
run_ovs_lab ovs status -h
t_ok "ovs status -h: help, exit status 0" test "$rc" = 0
t_match "... the help of \"ovs\"" "usage: ovs-lab ovs" echo "$out"

# exec's arguments end with a command line: options after LAB belong to
# the command, so a lab that does not exist is what is reported, not -q.
run_ovs_lab exec no-such-lab-$$ node -q
t_ok "exec LAB NODE -q: not a usage error (exit status not 2)" \
    test "$rc" != 2
t_match "... the lab is what is missing" "no-such-lab-$$" echo "$out"

t_done
