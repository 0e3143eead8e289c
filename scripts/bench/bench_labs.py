"""The labs scripts/bench builds, one class per tool.

Every lab class has the same interface, used by the workloads in "run":

    lab.up(nodes)          build the lab (blocks until the tool says done)
    lab.ping(a, b, wait)   True if node A gets an echo reply from node B
    lab.flush_neighbours(a)    empty node A's neighbour (ARP) table
    lab.iperf(a, b, secs)  TCP throughput A -> B in bit/s (iperf3)
    lab.down()             tear it down (blocks until the tool says done)
    lab.leftovers()        what of the lab is still on the system: its
                           namespaces (or host processes), veths, OVS rows
    lab.datapath_leftovers()   its ports still in ovs-vswitchd's datapath
    lab.force_cleanup()    remove whatever is left, ignoring errors

Nodes are Node tuples; node names are "n1", "n2", ...  Every lab gets a
unique prefix for the names it creates (namespaces, interfaces, bridges),
so that a run never touches anything it did not create."""

import collections
import json
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import threading

from bench_ovs import datapath_ports
from bench_util import BenchError, netns_names, now, pid_alive, poll, run

HERE = os.path.dirname(os.path.abspath(__file__))
PRIVATE_OVS_DIR = '/run/ovs-lab/ovs'
PRIVATE_DB = 'unix:%s/db.sock' % PRIVATE_OVS_DIR

Node = collections.namedtuple('Node', 'name vlan cidr ip')


def star_nodes(count):
    """COUNT nodes, alternately on VLAN 100 and 101, all in 10.77.0.0/16
    (so only the VLAN keeps n1 and n2 apart)."""
    nodes = []
    for i in range(1, count + 1):
        ip = '10.77.%d.%d' % (i // 200, i % 200 + 1)
        nodes.append(Node('n%d' % i, 100 + (i - 1) % 2, ip + '/16', ip))
    return nodes


def pair_nodes():
    """Two nodes on one VLAN, for throughput."""
    return [Node('n1', 100, '10.78.0.1/24', '10.78.0.1'),
            Node('n2', 100, '10.78.0.2/24', '10.78.0.2')]


def star_scenario(nodes):
    """The ovs-lab scenario (YAML text) of NODES on one netdev switch."""
    lines = ['switches:', '  s: {datapath: netdev}', 'nodes:']
    for n in nodes:
        lines.append('  %s: {interfaces: {eth0: {switch: s, vlan: %d, '
                     'address: %s}}}' % (n.name, n.vlan, n.cidr))
    return '\n'.join(lines) + '\n'


def ping_cmd(ip, wait):
    """Pings IP until the first reply, at most WAIT seconds."""
    return ['ping', '-n', '-q', '-c', '1', '-i', '0.05', '-w', str(wait), ip]


def netns_exec(netns, cmd):
    """CMD run in named namespace NETNS: only the network namespace changes,
    which is all ping and iperf3 need, and cheaper than "ip netns exec"."""
    return ['nsenter', '--net=/run/netns/%s' % netns] + cmd


def iperf_between(client_ns, server_ns, server_ip, secs):
    """TCP throughput in bit/s from CLIENT_NS to SERVER_IP in SERVER_NS."""
    server = subprocess.Popen(
        netns_exec(server_ns, ['iperf3', '-s', '-1', '-B', server_ip]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        listening = poll(lambda: run(netns_exec(server_ns, [
            'ss', '-Hltn', 'sport = :5201'])).stdout.strip(), 10, 0.05)
        if listening is None:
            raise BenchError('iperf3 server in %s did not start' % server_ns)
        out = run(netns_exec(client_ns, [
            'iperf3', '-J', '-c', server_ip, '-t', str(secs)]),
            timeout=secs + 30).stdout
        return json.loads(out)['end']['sum_received']['bits_per_second']
    finally:
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def veths(netns=None):
    """(name, alias) of every veth in NETNS (None: this namespace)."""
    cmd = ['ip'] + (['-n', netns] if netns else []) + [
        '-o', 'link', 'show', 'type', 'veth']
    result = []
    for line in run(cmd).stdout.splitlines():
        name = line.split(': ')[1].split('@')[0]
        alias = re.search(r' alias (\S+)', line)
        result.append((name, alias.group(1) if alias else ''))
    return result


class Lab:
    """What the benchmark does with every tool's lab besides up and down."""

    def prepare(self):
        """What the tool needs before "up", not measured."""

    def finish(self):
        """Undoes prepare(), after "down" or a failure."""


class NamespaceLab(Lab):
    """What every lab whose nodes are named network namespaces does the
    same way: subclasses give netns(NODE) and keep 'nodes'."""

    def ping(self, a, b, wait=10):
        ip = next(n.ip for n in self.nodes if n.name == b)
        return run(netns_exec(self.netns(a), ping_cmd(ip, wait)),
                   check=False, timeout=wait + 10).returncode == 0

    def flush_neighbours(self, node):
        run(['ip', '-n', self.netns(node), 'neigh', 'flush', 'all'])

    def iperf(self, a, b, secs):
        ip = next(n.ip for n in self.nodes if n.name == b)
        return iperf_between(self.netns(a), self.netns(b), ip, secs)


class OvsLabLab(NamespaceLab):
    """A lab built by "ovs-lab up" and removed by "ovs-lab down".  With OVS
    None it uses ovs-lab's private Open vSwitch (the default), else
    --ovsdb to that BenchOvs, from that OVS's network namespace.  With
    KEPT, the private Open vSwitch is started by "ovs-lab ovs start" before
    "up" and stopped by "ovs-lab ovs stop" after "down", neither measured:
    the first lab of a CI job that starts it once for all its labs."""

    def __init__(self, binary, name, tmpdir, ovs=None, kept=False):
        self.binary = binary
        self.name = name
        self.tmpdir = tmpdir
        self.ovs = ovs
        self.kept = kept
        self._stop_after = False
        self.nodes = []
        self.phases = {}          # "up: switches" -> seconds, etc.
        self.counts = {}          # "up: dhcp leases" -> 100, etc.
        self.total = {}           # "up"/"down" -> ovs-lab's own total
        self.rss_kib = None       # peak RSS of "ovs-lab up"
        self.cold_ovs = None      # True if up had to start the private OVS
        self.output = ''
        self._ports = set()

    # ovs-lab prints its phase lines only on a terminal, hence script(1).
    def _ovs_lab(self, action, args, timeout, check=True):
        cmd = [self.binary, action] + args
        if self.ovs:
            cmd[2:2] = ['--ovsdb=' + self.ovs.db]
        rss_file = os.path.join(self.tmpdir, '%s.%s.rss' % (self.name,
                                                            action))
        if os.path.exists('/usr/bin/time'):
            cmd = ['/usr/bin/time', '-f', '%M', '-o', rss_file] + cmd
        cmd = ['script', '-qec', ' '.join(shlex.quote(c) for c in cmd),
               '/dev/null']
        if self.ovs:
            cmd = self.ovs.enter(cmd)
        env = dict(os.environ, NO_COLOR='1')
        proc = run(cmd, check=False, timeout=timeout, env=env,
                   input='')
        out = proc.stdout.replace('\r', '')
        self.output += out
        if check and proc.returncode:
            raise BenchError('ovs-lab %s %s: exit %d: %s' % (
                action, self.name, proc.returncode, out.strip()[-800:]))
        for m in re.finditer(r'^  (\S.*?\S)\s+(\d+) \S.*?\s([\d.]+) s$',
                             out, re.M):
            phase = '%s: %s' % (action, m.group(1))
            self.phases[phase] = float(m.group(3))
            self.counts[phase] = int(m.group(2))
        m = re.search(r'^lab \S+ is (?:up|down).*\(([\d.]+) s\)$', out, re.M)
        if m:
            self.total[action] = float(m.group(1))
        try:
            with open(rss_file) as f:
                return int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            return None

    def _ovs_command(self, action):
        proc = run([self.binary, 'ovs', '-q', action], check=False,
                   timeout=120)
        if proc.returncode:
            raise BenchError('ovs-lab ovs %s: exit %d: %s' % (
                action, proc.returncode, (proc.stdout + proc.stderr)[-800:]))

    def prepare(self):
        if self.kept:
            # Kept by the user already: theirs to stop.
            status = run([self.binary, 'ovs', 'status'], check=False)
            self._stop_after = 'kept until' not in status.stdout
            self._ovs_command('start')

    def finish(self):
        if self.kept and self._stop_after:
            self._ovs_command('stop')

    def up_scenario(self, text, timeout=600):
        """Deploys the scenario TEXT (YAML) under this lab's name."""
        path = os.path.join(self.tmpdir, self.name + '.yaml')
        with open(path, 'w') as f:
            f.write(text)
        self.cold_ovs = (self.ovs is None and not
                         os.path.exists(PRIVATE_OVS_DIR + '/db.sock'))
        self.rss_kib = self._ovs_lab('up', ['--name', self.name, path],
                                     timeout)
        self._ports = set(self._rows('interface') + self._rows('bridge'))

    def up(self, nodes, timeout=600):
        self.nodes = nodes
        self.up_scenario(star_scenario(nodes), timeout)

    def run_scenario(self, path, timeout=600):
        """"ovs-lab run" of the scenario file PATH under this lab's name;
        its report is in self.output, whatever the checks found."""
        self._ovs_lab('run', ['--name', self.name, path], timeout,
                      check=False)

    def netns(self, node):
        return '%s-%s' % (self.name, node)

    def down(self, timeout=600):
        self._ovs_lab('down', [self.name], timeout)

    def _db(self):
        return self.ovs.db if self.ovs else PRIVATE_DB

    def _rows(self, table):
        if not self.ovs and not os.path.exists(PRIVATE_OVS_DIR + '/db.sock'):
            return []
        proc = run(['ovs-vsctl', '--db=' + self._db(), '--timeout=10',
                    '--bare', '--columns=name', 'find', table,
                    'external_ids:ovs-lab.lab=' + self.name], check=False)
        if proc.returncode:
            # The private OVS stops in the background after the last lab's
            # down: gone since the look above, it holds no rows.
            if (not self.ovs
                    and not os.path.exists(PRIVATE_OVS_DIR + '/db.sock')):
                return []
            raise BenchError('ovs-vsctl find %s: %s'
                             % (table, proc.stderr.strip()[-800:]))
        return proc.stdout.split()

    def leftovers(self):
        prefix = self.name + '-'
        left = ['namespace ' + ns for ns in netns_names()
                if ns.startswith(prefix)]
        tag = 'ovs-lab:%s:' % self.name
        left += ['veth ' + name for name, alias in
                 veths(self.ovs.netns if self.ovs else None)
                 if alias.startswith(tag)]
        if os.path.exists('/run/ovs-lab/labs/' + self.name):
            left.append('state /run/ovs-lab/labs/' + self.name)
        if os.path.isdir('/etc/netns'):
            left += ['file /etc/netns/' + f for f in os.listdir('/etc/netns')
                     if f.startswith(prefix)]
        left += ['ovs %s %s' % (table, row)
                 for table in ('bridge', 'port', 'interface')
                 for row in self._rows(table)]
        return left

    def datapath_leftovers(self):
        if self.ovs:
            ports = self.ovs.datapath_ports()
        else:
            ports = datapath_ports(['ovs-appctl', '-t', PRIVATE_OVS_DIR
                                    + '/ovs-vswitchd.ctl'])
        return sorted(self._ports & set(ports or []))

    def force_cleanup(self):
        try:
            self._ovs_lab('down', ['-q', self.name], 120)
        except BenchError:
            pass


class ShellLab(NamespaceLab):
    """A lab built and removed by one of the shell scripts next to this
    file (star-steps.sh, star-batch.sh) on the benchmark's own OVS."""

    def __init__(self, script, prefix, tmpdir, ovs):
        self.script = os.path.join(HERE, script)
        self.prefix = prefix
        self.bridge = prefix
        self.ovs = ovs
        self.plan = os.path.join(tmpdir, prefix + '.plan')
        self.nodes = []

    def netns(self, node):
        return '%s-%s' % (self.prefix, node)

    def up(self, nodes, timeout=600):
        self.nodes = nodes
        with open(self.plan, 'w') as f:
            for n in nodes:
                f.write('%s %se%s %sh%s %d %s\n' % (
                    self.netns(n.name), self.prefix, n.name[1:],
                    self.prefix, n.name[1:], n.vlan, n.cidr))
        run(self.ovs.enter([self.script, 'up', self.bridge, self.plan]),
            env=self.ovs.env, timeout=timeout)

    def down(self, timeout=600):
        run(self.ovs.enter([self.script, 'down', self.bridge, self.plan]),
            env=self.ovs.env, timeout=timeout)

    def _mine(self, names):
        return [n for n in names if n.startswith(self.prefix)]

    def leftovers(self):
        left = ['namespace ' + ns
                for ns in self._mine(netns_names())]
        left += ['veth ' + name for name, _alias in veths(self.ovs.netns)
                 if name.startswith(self.prefix)]
        out = self.ovs.vsctl('--bare', '--columns=name', 'list', 'bridge',
                             '--', '--columns=name', 'list', 'port')
        left += ['ovs row ' + row for row in self._mine(out.split())]
        return left

    def datapath_leftovers(self):
        return self._mine(self.ovs.datapath_ports() or [])

    def force_cleanup(self):
        run(['ovs-vsctl', '--db=' + self.ovs.db, '--timeout=10',
             '--if-exists', 'del-br', self.bridge], check=False)
        for ns in self._mine(netns_names()):
            run(['ip', 'netns', 'del', ns], check=False)
        for name, _alias in veths(self.ovs.netns):
            if name.startswith(self.prefix):
                run(['ip', '-n', self.ovs.netns, 'link', 'del', name],
                    check=False)


class MininetLab(Lab):
    """A lab built by Mininet 2.3 (mininet-lab.py next to this file) with
    OVSSwitch(datapath='user') on the benchmark's own OVS.  Mininet's hosts
    are shells in unnamed namespaces, owned by the mininet-lab.py process,
    which stays alive while the lab is up and answers commands."""

    def __init__(self, prefix, tmpdir, ovs):
        self.switch = prefix
        self.ovs = ovs
        self.plan = os.path.join(tmpdir, prefix + '.mnplan')
        self.pidfile = os.path.join(tmpdir, prefix + '.pids')
        self.proc = None
        self.lines = queue.Queue()
        self.mem = None           # (peak RSS of mininet-lab.py, host shells)

    def _host(self, node):
        return 'h' + node[1:]

    def _pids(self):
        try:
            with open(self.pidfile) as f:
                return [int(p) for p in f.read().split()]
        except (OSError, ValueError):
            return []

    def _read(self):
        for line in self.proc.stdout:
            if line.startswith('@@ '):
                self.lines.put(line[3:].strip())
        self.lines.put(None)

    def _reply(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise BenchError('mininet: no answer within %d s' % timeout)
        if line is None:
            raise BenchError('mininet-lab.py exited (status %s)'
                             % self.proc.wait())
        return line

    def _ask(self, command, timeout):
        self.proc.stdin.write(command + '\n')
        self.proc.stdin.flush()
        return self._reply(timeout)

    def up(self, nodes, timeout=600):
        self.nodes = nodes
        with open(self.plan, 'w') as f:
            for n in nodes:
                f.write('%s %d %s\n' % (self._host(n.name), n.vlan, n.cidr))
        # A session of its own: Ctrl-C goes to the benchmark, whose cleanup
        # then removes the lab, instead of interrupting Mininet halfway.
        self.proc = subprocess.Popen(
            self.ovs.enter(['/usr/bin/python3', '-B',
                            os.path.join(HERE, 'mininet-lab.py'),
                            self.switch, self.plan, self.pidfile]),
            env=self.ovs.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        if self._reply(timeout) != 'up':
            raise BenchError('mininet: unexpected answer')

    def ping(self, a, b, wait=10):
        return self._ask('ping %s %s' % (self._host(a), self._host(b)),
                         wait + 30) == 'ping ok'

    def flush_neighbours(self, node):
        if self._ask('flush ' + self._host(node), 30) != 'flush':
            raise BenchError('mininet: unexpected answer')

    def iperf(self, a, b, secs):
        return float(self._ask('iperf %s %s %d' % (
            self._host(a), self._host(b), secs), secs + 60).split()[1])

    def measure_memory(self):
        words = self._ask('mem', 60).split()
        self.mem = (int(words[1]), int(words[2]))

    def down(self, timeout=600):
        if self._ask('down', timeout) != 'down':
            raise BenchError('mininet: unexpected answer')
        self.proc.wait(timeout=30)

    def leftovers(self):
        left = ['process %d' % pid for pid in self._pids() if pid_alive(pid)]
        if self.proc and self.proc.poll() is None:
            left.append('process %d (mininet-lab.py)' % self.proc.pid)
        left += ['veth ' + name for name, _alias in veths(self.ovs.netns)
                 if name.startswith(self.switch + '-')]
        out = self.ovs.vsctl('--bare', '--columns=name', 'list', 'bridge',
                             '--', '--columns=name', 'list', 'port')
        left += ['ovs row ' + row for row in out.split()
                 if row == self.switch or row.startswith(self.switch + '-')]
        return left

    def datapath_leftovers(self):
        return [p for p in self.ovs.datapath_ports() or []
                if p == self.switch or p.startswith(self.switch + '-')]

    def force_cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pid in self._pids():
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        poll(lambda: not any(pid_alive(p) for p in self._pids()), 5)
        run(['ovs-vsctl', '--db=' + self.ovs.db, '--timeout=10',
             '--if-exists', 'del-br', self.switch], check=False)
        for name, _alias in veths(self.ovs.netns):
            if name.startswith(self.switch + '-'):
                run(['ip', '-n', self.ovs.netns, 'link', 'del', name],
                    check=False)


class DirectVeth(NamespaceLab):
    """Two namespaces joined by one veth pair, offloads as the kernel sets
    them: the ceiling for throughput through any switch."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.nodes = []

    def netns(self, node):
        return '%s-%s' % (self.prefix, node)

    def up(self, nodes, timeout=60):
        a, b = nodes
        self.nodes = nodes
        script = ['netns add ' + self.netns(a.name),
                  'netns add ' + self.netns(b.name),
                  'link add %sa netns %s type veth peer name %sb netns %s'
                  % (self.prefix, self.netns(a.name), self.prefix,
                     self.netns(b.name))]
        run(['ip', '-batch', '-'], input='\n'.join(script) + '\n')
        for node, dev in ((a, self.prefix + 'a'), (b, self.prefix + 'b')):
            run(['ip', '-n', self.netns(node.name), '-batch', '-'],
                input='link set lo up\nlink set %s up\naddress add %s dev %s'
                '\n' % (dev, node.cidr, dev))

    def down(self, timeout=60):
        for n in self.nodes:
            run(['ip', 'netns', 'del', self.netns(n.name)])

    def leftovers(self):
        return ['namespace ' + ns for ns in netns_names()
                if ns.startswith(self.prefix + '-')]

    def datapath_leftovers(self):
        return []

    def force_cleanup(self):
        for ns in netns_names():
            if ns.startswith(self.prefix + '-'):
                run(['ip', 'netns', 'del', ns], check=False)


def tool_available(tool):
    return shutil.which(tool) is not None


def wait_gone(lab, timeout):
    """Time (now()) at which LAB.leftovers() was first empty, and what was
    left at the first look; None for the time if not within TIMEOUT."""
    first = lab.leftovers()
    if not first:
        return now(), first
    return poll(lambda: not lab.leftovers(), timeout, 0.02), first
