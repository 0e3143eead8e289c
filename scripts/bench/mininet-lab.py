#!/usr/bin/python3 -B
"""The Mininet side of scripts/bench: builds a lab with Mininet 2.3 and
Open vSwitch's userspace datapath, then answers the benchmark's commands.

    mininet-lab.py SWITCH PLAN PIDFILE

PLAN has one line per host: NAME VLAN ADDRESS/PREFIX.  Every host is
linked to one OVSSwitch(datapath='user', failMode='standalone') named
SWITCH; its switch port gets the host's VLAN as access tag.  The pids of
the host shells are written to PIDFILE as soon as they exist, so that the
benchmark can clean up even if this program dies.

Protocol (one line each way; lines that do not start with "@@ " are
Mininet's own output):
    (startup)         -> "@@ up"             the lab is built and started
    "ping A B"        -> "@@ ping ok|fail"   host A pings host B's address
    "flush A"         -> "@@ flush"          empty host A's neighbour table
    "iperf A B SECS"  -> "@@ iperf BPS"      TCP throughput A -> B (iperf3)
    "mem"             -> "@@ mem KIB KIB"    peak RSS of this program, and
                                             the RSS of the host shells
    "down"            -> "@@ down"           net.stop() returned; then exit

ovs-vsctl reaches the benchmark's Open vSwitch through OVS_RUNDIR.
"""

import json
import resource
import sys

from mininet.link import Link
from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import OVSSwitch
from mininet.topo import Topo
from mininet.util import errRun


class PlanTopo(Topo):
    """One switch, one host per plan line."""

    def build(self, switch, hosts):
        sw = self.addSwitch(switch, cls=OVSSwitch, datapath='user',
                            failMode='standalone', dpid='%016x' % 1)
        for name, _vlan, addr in hosts:
            self.addHost(name, ip=addr)
            self.addLink(name, sw)


def reply(text):
    sys.stdout.write('@@ %s\n' % text)
    sys.stdout.flush()


def rss_kib(pid):
    try:
        with open('/proc/%d/status' % pid) as status:
            for line in status:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def set_tags(net, vlans):
    """Access tags for every switch port, in one ovs-vsctl transaction:
    Mininet has no VLAN parameter for OVSSwitch ports."""
    args = []
    for link in net.links:
        host_intf, sw_intf = link.intf1, link.intf2
        if host_intf.node in net.switches:
            host_intf, sw_intf = sw_intf, host_intf
        args += ['--', 'set', 'port', sw_intf.name,
                 'tag=%s' % vlans[host_intf.node.name]]
    out, err, code = errRun(['ovs-vsctl'] + args)
    if code:
        raise RuntimeError('ovs-vsctl failed: %s%s' % (out, err))


def main():
    switch, plan_path, pid_path = sys.argv[1:4]
    hosts = []
    with open(plan_path) as plan:
        for line in plan:
            name, vlan, addr = line.split()
            hosts.append((name, vlan, addr))
    vlans = {name: vlan for name, vlan, _addr in hosts}
    addrs = {name: addr.split('/')[0] for name, _vlan, addr in hosts}

    setLogLevel('warning')
    net = Mininet(topo=PlanTopo(switch=switch, hosts=hosts),
                  switch=OVSSwitch, link=Link, controller=None, build=False)
    net.build()
    with open(pid_path, 'w') as pids:
        pids.write(''.join('%d\n' % node.pid
                           for node in net.hosts + net.switches))
    net.start()
    set_tags(net, vlans)
    # Same as ovs-lab and the shell labs: the userspace datapath drops TCP
    # with offloaded checksums.
    for host in net.hosts:
        host.cmd('ethtool -K %s tx off' % host.defaultIntf().name)
    reply('up')

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == 'ping':
            out = net.get(words[1]).cmd(
                'ping -n -q -c 1 -i 0.05 -w 10 %s' % addrs[words[2]])
            reply('ping ok' if ' 1 received' in out else 'ping fail')
        elif words[0] == 'flush':
            net.get(words[1]).cmd('ip neigh flush all')
            reply('flush')
        elif words[0] == 'iperf':
            server, client = net.get(words[2]), net.get(words[1])
            server.cmd('iperf3 -s -1 -D -B %s' % addrs[words[2]])
            out = ''
            for _attempt in range(50):
                out = client.cmd('iperf3 -J -c %s -t %s'
                                 % (addrs[words[2]], words[3]))
                if '"end"' in out and '"error"' not in out:
                    break
                client.cmd('sleep 0.1')
            try:
                bps = json.loads(out)['end']['sum_received'][
                    'bits_per_second']
            except (ValueError, KeyError):
                bps = 0
            reply('iperf %d' % bps)
        elif words[0] == 'mem':
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            shells = sum(rss_kib(node.pid)
                         for node in net.hosts + net.switches)
            reply('mem %d %d' % (own, shells))
        elif words[0] == 'down':
            net.stop()
            reply('down')
            return 0
    net.stop()
    return 1


if __name__ == '__main__':
    sys.exit(main())
