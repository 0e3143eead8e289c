"""Small helpers of scripts/bench: running commands, timing, polling,
medians, and the cleanup stack that undoes everything on any exit."""

import os
import signal
import statistics
import subprocess
import sys
import time


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


def now():
    return time.monotonic()


def run(cmd, check=True, env=None, timeout=600, input=None):
    """Runs CMD (a list), returns its CompletedProcess with text output.
    Raises BenchError if CHECK and it fails or times out.

    CMD runs in a session of its own: if it times out, or the benchmark is
    interrupted while waiting for it, its whole process group is stopped
    (SIGTERM, then SIGKILL), so that no half-done shell script goes on
    creating objects behind the cleanup's back."""
    proc = subprocess.Popen(
        cmd, env=env, start_new_session=True, text=True,
        stdin=subprocess.PIPE if input is not None else None,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except BaseException as e:
        _stop_group(proc)
        if isinstance(e, subprocess.TimeoutExpired):
            raise BenchError('%s: timed out after %d s'
                             % (' '.join(cmd), timeout))
        raise
    if check and proc.returncode:
        raise BenchError('%s: exit %d: %s' % (
            ' '.join(cmd), proc.returncode, (err or out).strip()[-800:]))
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _stop_group(proc):
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            pass
    # What is left of the group (the leader is reaped) gets SIGKILL too.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def poll(predicate, timeout, interval=0.01):
    """Calls PREDICATE until it returns true.  Returns the time at which the
    successful call returned, or None after TIMEOUT seconds."""
    deadline = now() + timeout
    while True:
        if predicate():
            return now()
        if now() > deadline:
            return None
        time.sleep(interval)


def cpu_busy(interval):
    """The fraction of all CPUs' time that was not idle during the next
    INTERVAL seconds (from /proc/stat)."""
    def sample():
        with open('/proc/stat') as stat:
            ticks = [int(x) for x in stat.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]      # all, idle + iowait
    total0, idle0 = sample()
    time.sleep(interval)
    total1, idle1 = sample()
    return 1.0 - (idle1 - idle0) / max(1, total1 - total0)


def settle(busy_limit=0.15, window=0.3, timeout=60):
    """Waits until the machine is quiet: less than BUSY_LIMIT of the CPUs
    busy over WINDOW seconds.  A tool's teardown leaves work behind (the
    kernel destroys deleted namespaces in the background, ovs-vswitchd closes
    the sockets of removed ports) that would otherwise slow down whichever
    tool runs next.  Returns the seconds waited (TIMEOUT if never quiet)."""
    start = now()
    while now() - start < timeout:
        if cpu_busy(window) < busy_limit:
            break
    return now() - start


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def pid_alive(pid):
    """True if PID exists and is not a zombie."""
    try:
        with open('/proc/%d/stat' % pid) as stat:
            return stat.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (OSError, IndexError):
        return False


def netns_names():
    try:
        return os.listdir('/run/netns')
    except OSError:
        return []


def say(text):
    """Progress goes to stderr; the table goes to stdout."""
    sys.stderr.write(text + '\n')
    sys.stderr.flush()


class Cleanup:
    """A stack of undo actions, run in reverse order on any exit: normal
    end, an exception, Ctrl-C, SIGTERM or SIGHUP.  A failing action is
    reported and the others still run."""

    def __init__(self):
        self._actions = []
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._terminate)
        # Also when started with SIGINT ignored (in the background).
        signal.signal(signal.SIGINT, signal.default_int_handler)

    @staticmethod
    def _terminate(signum, _frame):
        raise SystemExit(128 + signum)

    def push(self, description, action):
        """Registers ACTION (a callable); returns a handle for pop()."""
        entry = (description, action)
        self._actions.append(entry)
        return entry

    def pop(self, handle, run_it=True):
        """Unregisters HANDLE; runs its action first if RUN_IT."""
        if handle in self._actions:
            self._actions.remove(handle)
            if run_it:
                self._run_one(handle)

    def _run_one(self, entry):
        description, action = entry
        try:
            action()
        except Exception as e:      # noqa: B902 -- keep cleaning up
            say('cleanup: %s: %s' % (description, e))

    def run_all(self):
        # A second Ctrl-C must not stop the cleanup halfway.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        while self._actions:
            self._run_one(self._actions.pop())
