"""The benchmark's own Open vSwitch, for the labs that need one already
running (the shell scripts, Mininet, and ovs-lab with --ovsdb).

ovsdb-server and ovs-vswitchd (userspace datapath) run from a directory
under the benchmark's temp dir, with OVS_RUNDIR and friends pointing
there, like tests/system/test-deploy.sh does for "an existing Open
vSwitch".  Unlike there, they also run in a network namespace of their
own: two ovs-vswitchd with datapath_type=netdev in one network namespace
both want the datapath's tap device "ovs-netdev", and the second one then
fails to create any bridge.  ovs-lab's private OVS (which other people's
tests may be using at the same time) lives in the root namespace, so ours
must not.  Everything that talks to this OVS, or creates the switch side
of a veth for it, runs in that namespace through nsenter(1), which
changes the network namespace only (unlike "ip netns exec", which would
also hide the namespaces created from there from everybody else)."""

import os
import re
import signal
import time

from bench_util import BenchError, pid_alive, run

SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'


class BenchOvs:
    def __init__(self, directory, netns):
        """DIRECTORY (created) holds the database, sockets, pidfiles and
        logs; NETNS is the name of the namespace (created) it runs in."""
        self.dir = directory
        self.netns = netns
        self.db = 'unix:%s/db.sock' % directory
        self.env = dict(os.environ, OVS_RUNDIR=directory,
                        OVS_DBDIR=directory, OVS_LOGDIR=directory,
                        OVS_SYSCONFDIR=directory)
        self._pids = []

    def enter(self, cmd):
        """CMD (a list) prefixed to run in this OVS's network namespace."""
        return ['nsenter', '--net=/run/netns/%s' % self.netns] + cmd

    def start(self):
        os.makedirs(self.dir)
        run(['ip', 'netns', 'add', self.netns])
        run(['ip', '-n', self.netns, 'link', 'set', 'lo', 'up'])
        run(['ovsdb-tool', 'create', '%s/conf.db' % self.dir, SCHEMA])
        self._daemon('ovsdb-server', [
            '%s/conf.db' % self.dir, '--remote=punix:%s/db.sock' % self.dir])
        run(['ovs-vsctl', '--db=' + self.db, '--no-wait', 'init'],
            env=self.env)
        self._daemon('ovs-vswitchd', [self.db, '--disable-system'])

    def _daemon(self, name, args):
        pidfile = '%s/%s.pid' % (self.dir, name)
        run(self.enter([name] + args + [
            '-vconsole:off', '-vsyslog:off', '--pidfile=' + pidfile,
            '--log-file=%s/%s.log' % (self.dir, name), '--detach']),
            env=self.env)
        with open(pidfile) as f:
            self._pids.append(int(f.read()))

    def stop(self):
        """Stops the daemons this object started (by their pids) and
        removes the namespace.  Safe to call twice."""
        for pid in reversed(self._pids):
            if pid_alive(pid):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while (any(pid_alive(pid) for pid in self._pids)
               and time.monotonic() < deadline):
            time.sleep(0.05)
        for pid in self._pids:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        self._pids = []
        if os.path.exists('/run/netns/%s' % self.netns):
            run(['ip', 'netns', 'del', self.netns])

    def vsctl(self, *args):
        return run(['ovs-vsctl', '--db=' + self.db, '--timeout=10']
                   + list(args), env=self.env).stdout

    def veth_names(self):
        """Names of the veths in this OVS's namespace."""
        out = run(['ip', '-n', self.netns, '-o', 'link', 'show',
                   'type', 'veth']).stdout
        return [line.split(': ')[1].split('@')[0]
                for line in out.splitlines()]

    def datapath_ports(self):
        return datapath_ports(self.enter(['ovs-appctl', '-t',
                                          self.ctl_path()]), self.env)

    def ctl_path(self):
        with open('%s/ovs-vswitchd.pid' % self.dir) as f:
            return '%s/ovs-vswitchd.%d.ctl' % (self.dir, int(f.read()))


def datapath_ports(appctl, env=None):
    """The port names in the userspace datapath of the ovs-vswitchd that
    APPCTL (["ovs-appctl", "-t", CTL]) talks to; None if it is not
    running."""
    proc = run(appctl + ['dpctl/show'], check=False, env=env)
    if proc.returncode:
        # Not running, or exiting (ovs-lab's private one, after the last
        # lab's down) and gone before it answered.
        if any(s in proc.stderr for s in ('cannot connect', 'No such file',
                                          'End of file',
                                          'Connection reset')):
            return None
        raise BenchError('dpctl/show: %s' % proc.stderr.strip())
    return re.findall(r'^\s*port \d+: (\S+)', proc.stdout, re.M)
