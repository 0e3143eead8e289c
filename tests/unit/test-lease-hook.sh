#!/bin/bash
# Tests of ovs-lab-lease-hook, the program udhcpc runs to record a lease
# (src/lease-hook.c; no root needed): run as udhcpc runs it, with the
# event in $1 and the lease in the environment, it must write the same
# record as dhcp-client.c's shell script, and nothing for other events.
. "$(dirname "$0")/../system/lib.sh"

hook=$OVS_LAB_BUILDDIR/ovs-lab-lease-hook
if [ ! -x "$hook" ]; then
    # Not built on this architecture: udhcpc runs the shell script.
    echo "SKIP: $hook is not built (configure: lease hook)"
    t_done
fi

record=$T_TMP/lease
lease_env() {
    env -i OVS_LAB_LEASE_FILE="$record" ip=10.6.0.100 subnet=255.255.255.0 \
        router=10.6.0.1 serverid=10.6.0.1 lease=3600 \
        dns="10.6.0.1 10.6.0.2" "$@"
}

lease_env "$hook" bound
t_ok "bound: exit status 0" test $? = 0
t_ok "bound: the record has every variable, in order" diff - "$record" <<'END'
ip=10.6.0.100
subnet=255.255.255.0
router=10.6.0.1
serverid=10.6.0.1
lease=3600
dns=10.6.0.1 10.6.0.2
END

env -i OVS_LAB_LEASE_FILE="$record" ip=10.6.0.7 "$hook" renew
t_ok "renew: replaces the record; missing variables are empty" \
    diff - "$record" <<'END'
ip=10.6.0.7
subnet=
router=
serverid=
lease=
dns=
END

rm -f "$record"
for event in deconfig leasefail nak; do
    lease_env "$hook" $event
    t_ok "$event: exit status 0" test $? = 0
done
t_fails "deconfig, leasefail, nak: no record" test -e "$record"

env -i ip=10.6.0.100 "$hook" bound
t_ok "bound without OVS_LAB_LEASE_FILE: exit status 1" test $? = 1
lease_env OVS_LAB_LEASE_FILE="$T_TMP/no/such/dir/lease" "$hook" bound
t_ok "bound with an unwritable record: exit status 1" test $? = 1

rm -f "$record"
long=$(printf 'x%.0s' $(seq 1 5000))
lease_env dns="$long" "$hook" bound
t_ok "bound with more than fits: exit status 1" test $? = 1
t_fails "bound with more than fits: no cut record" test -e "$record"

t_done
