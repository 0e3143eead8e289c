#!/bin/bash
# System test (root) of where the namespaces' mount points live: where
# /run/netns is on disk rather than on a tmpfs, as on machines whose /run
# is no tmpfs, ovs-lab puts a tmpfs on it, but only while no namespace is
# there that the tmpfs would hide (src/netns.c).
#
# The script runs itself again in a mount namespace of its own, in which
# /run/netns is a directory on disk, so that neither the machine's
# /run/netns nor anyone else's namespaces are touched.
if [ -z "${T_NETNS_DIR_INSIDE:-}" ]; then
    exec unshare --mount --propagation private \
        env T_NETNS_DIR_INSIDE=1 "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"

fs_type() { stat -f -c %T "$1"; }

# A directory on disk: the first candidate not on a tmpfs or ramfs.
disk=
for dir in /var/tmp /tmp "$OVS_LAB_BUILDDIR"; do
    case $(fs_type "$dir") in
        tmpfs|ramfs) ;;
        *) disk=$(mktemp -d "$dir/ovs-lab-netns.XXXXXX") && break ;;
    esac
done
if [ -z "$disk" ]; then
    echo "no directory on disk (/var/tmp, /tmp and the build tree are on tmpfs)"
    t_fail "a directory on disk to stand for /run/netns"
    t_done
fi
remove_disk_dir() { rm -rf "$disk"; }
t_at_exit remove_disk_dir

# /run/netns of this mount namespace: the directory on disk, empty.
put_netns_dir_on_disk() {
    # Lazily: other labs' namespaces on the machine are mounted under it,
    # which makes a plain umount fail (EBUSY).  This mount namespace's
    # copy only is detached.
    while umount -l /run/netns 2>/dev/null; do :; done
    mkdir -p /run/netns
    mount --bind "$disk" /run/netns
}
# How many mounts are stacked on /run/netns.
netns_dir_mounts() { findmnt -n -o TARGET /run/netns | wc -l; }

cat >"$T_TMP/pair.yaml" <<EOF
nodes:
  a:
    interfaces: {eth0: {peer: b.eth0, address: 10.7.0.1/24}}
  b:
    interfaces: {eth0: {address: 10.7.0.2/24}}
EOF

# --- a namespace is there already: /run/netns stays as it is ---------------------
put_netns_dir_on_disk
other=$(t_lab_name)-other
ip netns add "$other"
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "lab comes up next to another namespace" \
    "$OVS_LAB" up -q --name "$lab" "$T_TMP/pair.yaml"
t_match "/run/netns is not covered by a tmpfs" "^1$" netns_dir_mounts
t_match "the other namespace is still listed" "^$other( |$)" ip netns list
t_ok "the lab's namespaces are on disk, where the other one is" \
    test -e "$disk/$lab-a"
t_ok "the lab works" ip netns exec "$lab-a" ping -c1 -W2 10.7.0.2
t_ok "lab goes down" "$OVS_LAB" down -q "$lab"
t_assert_nothing_left "$lab"
ip netns del "$other"

# --- /run/netns empty and on disk: it gets a tmpfs --------------------------------
put_netns_dir_on_disk
lab=$(t_lab_name)
t_cleanup_lab "$lab"
t_ok "lab comes up" "$OVS_LAB" up -q --name "$lab" "$T_TMP/pair.yaml"
t_match "/run/netns is a tmpfs now" "^tmpfs$" fs_type /run/netns
t_match "(one, on the directory)" "^2$" netns_dir_mounts
t_match "shared, as ip netns makes it" "shared" \
    findmnt -n -o PROPAGATION --mountpoint /run/netns
t_ok "nothing was written to the disk" \
    test -z "$(ls -A "$disk")"
t_match "ip netns lists the lab's namespaces" "^$lab-a( |$)" ip netns list
t_ok "the lab works" ip netns exec "$lab-a" ping -c1 -W2 10.7.0.2
lab2=$(t_lab_name)
t_cleanup_lab "$lab2"
t_ok "a second lab comes up meanwhile" \
    "$OVS_LAB" up -q --name "$lab2" "$T_TMP/pair.yaml"
t_match "no second tmpfs over the first" "^2$" netns_dir_mounts
t_ok "the first lab's namespaces are still there" \
    ip netns exec "$lab-b" ping -c1 -W2 10.7.0.1
t_ok "ip netns add works on the tmpfs" ip netns add "$other"
t_ok "and ip netns del" ip netns del "$other"
t_ok "labs go down" "$OVS_LAB" down -q "$lab" "$lab2"
t_assert_nothing_left "$lab"
t_assert_nothing_left "$lab2"
t_ok "/run/netns is empty" test -z "$(ls -A /run/netns)"

t_done
