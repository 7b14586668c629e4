"""pfp_harness.py — start PartnerForge processes for integration tests and talk PFP/1 to them.

Shared by the tests in this folder (run with Debian's /usr/bin/python3,
python3-zmq and python3-msgpack; ctest sets PF_BIN to the pf executable).

A Constellation is one coordinator plus module actors (or one `pf up`
supervisor), each in its own process group, on free loopback ports with a
temporary data directory.  start() returns once the coordinator answers a
PING (and, if asked, once a whole job has gone through); stop() ends every
process it started — SIGTERM to each group, SIGKILL after a grace period —
and reports exit statuses so a test can insist on clean exits (a sanitizer
report ends a process with a non-zero status).  Children also get
PR_SET_PDEATHSIG, so they die with the test even when it is killed hard.

Nothing here sleeps to synchronise: waits poll a condition against a
deadline.  With PF_TEST_KEEP_TMP=1 in the environment the temp directory
(every process's log, the data dir) is kept and its path printed.
"""

import atexit
import ctypes
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import msgpack
import zmq

PF_BIN = os.environ.get("PF_BIN", "")
PF_SOURCE_DIR = os.environ.get("PF_SOURCE_DIR", "")

VERSION = b"PFP/1"

# The fifteen modules and their direct inputs (the seed graph of the
# architecture page).  Tests use it to check what the engine delivered.
UPSTREAM = {
    "company_context": [],
    "technology_stack": [],
    "traffic_analysis": [],
    "financial_profile": [],
    "competitor_intelligence": ["company_context", "technology_stack"],
    "hiring_signals": ["company_context"],
    "strategic_context": ["company_context"],
    "investor_intelligence": ["company_context", "financial_profile"],
    "executive_intelligence": ["company_context", "strategic_context"],
    "buying_committee": ["company_context", "hiring_signals", "executive_intelligence"],
    "displacement_analysis": ["technology_stack", "competitor_intelligence"],
    "case_study_matching": ["company_context", "technology_stack"],
    "icp_priority_mapping": ["company_context", "traffic_analysis", "financial_profile",
                             "technology_stack", "competitor_intelligence"],
    "signal_scoring": ["hiring_signals", "strategic_context", "investor_intelligence"],
}
UPSTREAM["strategic_signal_brief"] = sorted(UPSTREAM)
MODULES = list(UPSTREAM)

# Inputs a module cannot do without: if one of them does not complete, the
# module is skipped.  Every other input is optional.  (As in pf_graph.c.)
REQUIRED = {name: (["company_context"] if "company_context" in ups else []) for name, ups in
            UPSTREAM.items()}
REQUIRED["buying_committee"].append("executive_intelligence")
REQUIRED["displacement_analysis"] = ["technology_stack"]
REQUIRED["signal_scoring"] = []

JOB_FINAL = ("completed", "partial", "failed", "cancelled")

# Seconds a process gets to stop after SIGTERM before SIGKILL.
STOP_GRACE_S = 15.0
# Seconds the coordinator gets to answer its first PING (sanitizer builds
# start slowly).
READY_TIMEOUT_S = 30.0
# Attempts at starting a coordinator on freshly chosen ports.
START_ATTEMPTS = 5
# Default deadline of one request.
REQUEST_TIMEOUT_S = 30.0
# Poll step of every wait, seconds.
POLL_STEP_S = 0.02

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


def unpack(data):
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


def closure(names):
    """The requested modules plus everything upstream of them."""
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(UPSTREAM[name])
    return out


def topo_order(names=None):
    """Modules (default all) with every module after its inputs."""
    names = MODULES if names is None else names
    order, done = [], set()
    while len(order) < len(names):
        for name in names:
            if name not in done and all(u in done or u not in names for u in UPSTREAM[name]):
                order.append(name)
                done.add(name)
    return order


def expected_outcome(failed, modules=None):
    """What the engine must make of a job whose modules `failed` fail:
    (completed, failed, skipped) sets, propagating required inputs."""
    names = closure(modules or MODULES)
    completed, skipped = set(), set()
    for name in topo_order(sorted(names)):
        if name in failed:
            continue
        if any(r not in completed for r in REQUIRED[name]):
            skipped.add(name)
        else:
            completed.add(name)
    return completed, set(failed) & names, skipped


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what="condition"):
    """Polls predicate() until it returns a true value (returned) or timeout
    seconds pass (TimeoutError naming `what`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(POLL_STEP_S)


def _child_setup():
    # Runs in the child between fork and exec: its own process group (so a
    # stop reaches everything it spawns) and death with the test process.
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Reply:
    """One PFP/1 reply: command (str) and body (dict)."""

    def __init__(self, command, body):
        self.command = command
        self.body = body

    def __getitem__(self, key):
        return self.body[key]

    def get(self, key, default=None):
        return self.body.get(key, default)

    def __repr__(self):
        return "Reply(%s, %r)" % (self.command, self.body)


class ProtocolViolation(AssertionError):
    """The server sent something PFP/1 does not allow."""


class Client:
    """A PFP/1 client on a DEALER (pipelining, raw frames) or REQ socket."""

    _ids = itertools.count(1)

    def __init__(self, ctx, endpoint, kind=zmq.DEALER):
        self.kind = kind
        self.sock = ctx.socket(kind)
        self.sock.setsockopt(zmq.LINGER, 0)
        # A plain REQ socket: ZMQ_REQ_CORRELATE would put a request-id frame
        # before the empty delimiter, which PFP/1 refuses as bad framing.
        self.sock.connect(endpoint)
        self.endpoint = endpoint
        self._stash = {}

    def close(self):
        self.sock.close(0)

    @classmethod
    def new_req_id(cls):
        return "r%d-%d" % (os.getpid(), next(cls._ids))

    # -- raw frames ------------------------------------------------------
    def send_frames(self, frames):
        self.sock.send_multipart(frames, copy=True)

    def recv_frames(self, timeout=REQUEST_TIMEOUT_S):
        """The next message's frames, or None after timeout seconds."""
        if self.sock.poll(int(timeout * 1000), zmq.POLLIN) == 0:
            return None
        return self.sock.recv_multipart(zmq.NOBLOCK)

    def parse(self, frames):
        """Checks a reply's framing and decodes it."""
        if self.kind == zmq.DEALER:
            if len(frames) != 4 or frames[0] != b"":
                raise ProtocolViolation("DEALER reply framing: %r" % frames[:5])
            frames = frames[1:]
        if len(frames) != 3 or frames[0] != VERSION:
            raise ProtocolViolation("reply framing: %r" % frames[:5])
        try:
            command = frames[1].decode("ascii")
            body = unpack(frames[2])
        except Exception as exc:
            raise ProtocolViolation("reply not decodable: %r (%s)" % (frames, exc))
        if not isinstance(body, dict):
            raise ProtocolViolation("reply body is not a map: %r" % (body,))
        return Reply(command, body)

    # -- requests --------------------------------------------------------
    def send(self, command, body):
        """Sends one request; body is a dict (encoded) or bytes (sent as is)."""
        payload = body if isinstance(body, bytes) else pack(body)
        head = [b""] if self.kind == zmq.DEALER else []
        self.send_frames(head + [VERSION, command.encode(), payload])

    def recv(self, timeout=REQUEST_TIMEOUT_S):
        """The next reply (any req_id), or TimeoutError."""
        frames = self.recv_frames(timeout)
        if frames is None:
            raise TimeoutError("no reply within %.1fs on %s" % (timeout, self.endpoint))
        return self.parse(frames)

    def recv_for(self, req_id, timeout=REQUEST_TIMEOUT_S):
        """The reply echoing req_id; replies to other requests are kept."""
        if req_id in self._stash:
            return self._stash.pop(req_id)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply to %s within %.1fs" % (req_id, timeout))
            reply = self.recv(left)
            got = reply.body.get("req_id")
            if got == req_id:
                return reply
            self._stash[got] = reply

    def submit(self, command, **fields):
        """Sends command with fields (req_id added unless given); returns req_id."""
        fields.setdefault("req_id", self.new_req_id())
        self.send(command, fields)
        return fields["req_id"]

    def request(self, command, timeout=REQUEST_TIMEOUT_S, **fields):
        """Sends one request and returns its reply."""
        req_id = self.submit(command, **fields)
        if self.kind == zmq.REQ:
            reply = self.recv(timeout)
            if reply.body.get("req_id") != req_id:
                raise ProtocolViolation("REQ reply for %r, expected %r" % (reply.body, req_id))
            return reply
        return self.recv_for(req_id, timeout)

    def ping(self, timeout=REQUEST_TIMEOUT_S):
        reply = self.request("PING", timeout=timeout)
        if reply.command != "PONG":
            raise ProtocolViolation("PING answered with %r" % (reply,))
        return reply


class Tap:
    """A SUB socket read by a background thread; events kept in arrival order.

    Each event is (topic, body, receive_monotonic).  The socket is created,
    used and closed by the thread alone (zmq sockets are not thread-safe).
    """

    def __init__(self, ctx, endpoint, prefixes=("",)):
        self.events = []
        self.errors = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._ctx = ctx
        self._endpoint = endpoint
        self._prefixes = prefixes
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(READY_TIMEOUT_S):
            raise TimeoutError("tap reader thread did not start")

    def _run(self):
        sock = self._ctx.socket(zmq.SUB)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVHWM, 0)  # never drop on our side
        for prefix in self._prefixes:
            sock.setsockopt(zmq.SUBSCRIBE, prefix.encode())
        sock.connect(self._endpoint)
        self._ready.set()
        try:
            while not self._stop.is_set():
                if sock.poll(100, zmq.POLLIN) == 0:
                    continue
                batch = []
                while True:
                    try:
                        frames = sock.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    now = time.monotonic()
                    if len(frames) != 2:
                        self.errors.append("tap event with %d frames" % len(frames))
                        continue
                    try:
                        body = unpack(frames[1])
                    except Exception as exc:
                        self.errors.append("tap body not msgpack: %s" % exc)
                        continue
                    batch.append((frames[0].decode("utf-8", "replace"), body, now))
                    if len(batch) >= 1000:
                        break
                with self._cond:
                    self.events.extend(batch)
                    self._cond.notify_all()
        finally:
            sock.close(0)

    def close(self):
        self._stop.set()
        self._thread.join(READY_TIMEOUT_S)

    def snapshot(self):
        with self._cond:
            return list(self.events)

    def wait_for(self, predicate, timeout, what="tap events"):
        """Waits until predicate(events) is true; returns its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self.events)
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("timed out after %.1fs waiting for %s" % (timeout, what))
                self._cond.wait(min(left, 0.5))

    def for_job(self, job_id):
        return [e for e in self.snapshot() if e[1].get("job_id") == job_id]

    def sync(self, client, timeout=READY_TIMEOUT_S):
        """Returns once the subscription is live: submits small async jobs
        until the tap delivers one's job.accepted.  (A SUB socket misses
        whatever is published before its subscription reaches the PUB.)
        Returns the job ids submitted for this purpose."""
        deadline = time.monotonic() + timeout
        submitted = []
        for n in itertools.count():
            domain = "tap-sync-%d-%d.partnerforge-test.com" % (os.getpid(), n)
            reply = client.request("ENRICH", domain=domain, modules=["company_context"])
            if reply.command != "ACCEPTED":
                raise ProtocolViolation("tap sync ENRICH answered %r" % (reply,))
            job_id = reply["job_id"]
            submitted.append(job_id)
            try:
                self.wait_for(lambda evs: any(e[0] == "job.accepted" and e[1].get("job_id") == job_id
                                              for e in evs),
                              min(0.5, max(0.0, deadline - time.monotonic())), "tap sync")
                return submitted
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise TimeoutError("the tap delivered nothing within %.1fs" % timeout)


class Proc:
    """One started process: its Popen, a name and its log file."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.expected_rc = (0,)
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                          stderr=subprocess.STDOUT, preexec_fn=_child_setup)
        self.pid = self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def signal_group(self, sig):
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


_live = set()


def _stop_all_live():
    for constellation in list(_live):
        constellation.stop()


atexit.register(_stop_all_live)
# SIGTERM (from ctest, or a person) unwinds like Ctrl-C, so finally blocks
# and atexit run and every child is stopped.
signal.signal(signal.SIGTERM, signal.default_int_handler)


class Constellation:
    """A coordinator plus module actors (or `pf up`) for one test file.

    simulate        --simulate scale of the module actors
    instances       instances per module
    modules         module services to start (default all fifteen)
    coordinator_args extra coordinator flags, e.g. ["--max-queued-jobs", "2"]
    module_args     extra flags for every module actor
    use_up          run `pf up` instead of starting each actor (it takes no
                    coordinator_args, module_args or module subset)
    """

    def __init__(self, simulate=0.02, instances=1, modules=None, coordinator_args=(),
                 module_args=(), use_up=False):
        if not PF_BIN or not os.access(PF_BIN, os.X_OK):
            raise RuntimeError("PF_BIN must name the pf executable (got %r)" % PF_BIN)
        if use_up and (coordinator_args or module_args or modules is not None):
            raise ValueError("pf up takes no coordinator_args, module_args or modules")
        self.simulate = simulate
        self.instances = instances
        self.module_names = MODULES if modules is None else list(modules)
        self.coordinator_args = list(coordinator_args)
        self.module_args = list(module_args)
        self.use_up = use_up
        self.ctx = None
        self.tmp = None
        self.coordinator = None
        self.supervisor = None
        self.actors = []
        # Processes replaced by a restart (killed first): kept for their
        # exit statuses and logs.
        self.retired = []
        # Other processes a test adds (pf-fakeapi): stopped last.
        self.others = []
        self._restarts = itertools.count(1)
        self._clients = []
        self._taps = []
        self.client_ep = self.tap_ep = self.actor_ep = None
        self.exit_codes = None

    # -- lifecycle -------------------------------------------------------
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def env(self):
        env = dict(os.environ)
        env.update(PF_CLIENT_ENDPOINT=self.client_ep, PF_TAP_ENDPOINT=self.tap_ep,
                   PF_ACTOR_ENDPOINT=self.actor_ep, PF_DATA_DIR=self.data_dir)
        return env

    def start(self, warm=True):
        """Starts everything; with warm, also runs one whole job through so
        every module service has an instance registered.  On failure stops
        whatever it started and raises."""
        _live.add(self)
        try:
            self.ctx = zmq.Context()
            self.tmp = tempfile.mkdtemp(prefix="pf-it-")
            self.data_dir = os.path.join(self.tmp, "data")
            os.mkdir(self.data_dir)
            self._start_core()
            if not self.use_up:
                for name in self.module_names:
                    for i in range(self.instances):
                        self.start_module(name, i)
            if warm:
                self.warm_up()
            return self
        except BaseException:
            self.stop()
            raise

    def _start_core(self):
        failures = []
        for attempt in range(START_ATTEMPTS):
            self.client_ep, self.tap_ep, self.actor_ep = (
                "tcp://127.0.0.1:%d" % p for p in self._three_ports())
            eps = ["--client", self.client_ep, "--tap", self.tap_ep, "--actor", self.actor_ep,
                   "--data-dir", self.data_dir]
            if self.use_up:
                argv = [PF_BIN, "up", "--simulate", str(self.simulate),
                        "--instances", str(self.instances)] + eps
                proc = Proc("up", argv, self.env(), os.path.join(self.tmp, "up.%d.log" % attempt))
                self.supervisor = proc
            else:
                argv = [PF_BIN, "coordinator"] + eps + self.coordinator_args
                proc = Proc("coordinator", argv, self.env(),
                            os.path.join(self.tmp, "coordinator.%d.log" % attempt))
                self.coordinator = proc
            if self._wait_ping(proc):
                return
            failures.append("attempt %d: %s exited %s\n%s" % (
                attempt + 1, proc.name, proc.popen.returncode, proc.log_tail()))
        raise RuntimeError("could not start the coordinator:\n" + "\n".join(failures))

    @staticmethod
    def _three_ports():
        ports = set()
        while len(ports) < 3:
            ports.add(free_port())
        return list(ports)

    def _wait_ping(self, proc):
        """True once the coordinator answers PING; False if proc exited
        first (e.g. a port was taken meanwhile).  Raises on timeout."""
        client = Client(self.ctx, self.client_ep)
        try:
            client.send("PING", {"req_id": "ready"})
            deadline = time.monotonic() + READY_TIMEOUT_S
            while time.monotonic() < deadline:
                frames = client.recv_frames(0.1)
                if frames is not None:
                    reply = client.parse(frames)
                    if reply.command != "PONG":
                        raise ProtocolViolation("first PING answered %r" % (reply,))
                    return True
                if not proc.alive():
                    return False
            raise TimeoutError("%s did not answer PING within %.0fs:\n%s" % (
                proc.name, READY_TIMEOUT_S, proc.log_tail()))
        finally:
            client.close()

    def start_module(self, name, index, simulate=None):
        """Starts one module actor (at the constellation's scale unless
        simulate is given); returns its Proc."""
        scale = self.simulate if simulate is None else simulate
        argv = [PF_BIN, "module", name, "--simulate", str(scale),
                "--actor", self.actor_ep, "--instance", "%s-%d" % (name, index)] + self.module_args
        proc = Proc("%s-%d" % (name, index), argv, self.env(),
                    os.path.join(self.tmp, "%s-%d.log" % (name, index)))
        self.actors.append(proc)
        return proc

    def warm_up(self, timeout=60.0):
        """Runs one sync job over every started module; raises unless it completes."""
        client = self.client()
        mods = self.module_names if not self.use_up else MODULES
        reply = client.request("ENRICH", timeout=timeout, **{
            "domain": "warm-up.partnerforge-test.com", "modules": list(mods), "async": False})
        if reply.command != "RESULT" or reply.get("status") != "completed":
            raise RuntimeError("warm-up job did not complete: %r\n%s" % (reply, self.logs()))
        return reply

    # -- faults ----------------------------------------------------------
    @staticmethod
    def kill(proc, sig=signal.SIGKILL, timeout=STOP_GRACE_S):
        """Sends sig to proc's process group.  For SIGKILL also waits for the
        exit and declares it expected; other signals (SIGSTOP, SIGCONT) only
        go out (stop() continues a process left stopped)."""
        proc.signal_group(sig)
        if sig in (signal.SIGSTOP, signal.SIGCONT):
            proc.stopped = sig == signal.SIGSTOP
        if sig == signal.SIGKILL:
            proc.popen.wait(timeout)
            proc.expected_rc = (-signal.SIGKILL,)

    def _respawn(self, proc):
        # The same command line (so the same endpoints, data directory and
        # instance id) under a new name and log; proc must have exited.
        assert not proc.alive(), "%s is still running" % proc.name
        n = next(self._restarts)
        base = proc.name.split("~")[0]
        name = "%s~%d" % (base, n)
        return Proc(name, proc.argv, self.env(), os.path.join(self.tmp, name + ".log"))

    def restart_module(self, proc):
        """Starts a module actor that has exited (e.g. after kill()) again
        with the same arguments; returns the new Proc (the old one is kept
        for its exit status)."""
        new = self._respawn(proc)
        self.actors[self.actors.index(proc)] = new
        self.retired.append(proc)
        return new

    def restart_coordinator(self):
        """Starts the coordinator again, after it exited (e.g. after kill()),
        on the same endpoints and data directory; returns once it answers
        PING (raises if it exits or stays silent)."""
        old = self.coordinator
        new = self._respawn(old)
        self.retired.append(old)
        self.coordinator = new
        if not self._wait_ping(new):
            raise RuntimeError("restarted coordinator exited %s:\n%s"
                               % (new.popen.returncode, new.log_tail()))
        return new

    def restart_all(self):
        """kill -9 the coordinator and every running module actor, as close
        together as possible, then starts them all again (the coordinator
        first, on the same endpoints and data directory).  Returns the wall
        clock (time.time()) between the kills and the restarts."""
        actors = [p for p in self.actors if p.alive()]
        for proc in [self.coordinator] + actors:
            proc.signal_group(signal.SIGKILL)
        for proc in [self.coordinator] + actors:
            self.kill(proc)
        between = time.time()
        self.restart_coordinator()
        for proc in actors:
            self.restart_module(proc)
        return between

    def stop(self):
        """Stops every process (modules first, then the coordinator or the
        supervisor), closes sockets and removes the temp directory.
        Idempotent.  Returns {name: exit status} (negative = signal)."""
        if self.exit_codes is not None:
            return self.exit_codes
        codes = {}
        for tap in self._taps:
            tap.close()
        for client in self._clients:
            client.close()
        self._stop_group(self.actors, codes)
        self._stop_group([p for p in (self.coordinator, self.supervisor) if p], codes)
        self._stop_group(self.retired, codes)
        self._stop_group(self.others, codes)
        if self.ctx is not None:
            self.ctx.term()
        self.exit_codes = codes
        self.kept_logs = self.logs()
        if self.tmp and os.environ.get("PF_TEST_KEEP_TMP"):
            sys.stderr.write("pfp_harness: kept %s (PF_TEST_KEEP_TMP)\n" % self.tmp)
        elif self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
        _live.discard(self)
        return codes

    @staticmethod
    def _stop_group(procs, codes):
        for proc in procs:
            if proc.alive():
                proc.signal_group(signal.SIGTERM)
                # A process a test left stopped acts on it only once
                # continued.  Only then: SIGCONT discards a pending SIGSTOP,
                # such as the one LeakSanitizer's ptrace attach at exit
                # waits for, which would hang the exiting process.
                if getattr(proc, "stopped", False):
                    proc.signal_group(signal.SIGCONT)
        deadline = time.monotonic() + STOP_GRACE_S
        for proc in procs:
            try:
                proc.popen.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.signal_group(signal.SIGKILL)
                proc.popen.wait()
                proc.killed_by_harness = True
            # Whatever the process left behind in its group goes too.
            proc.signal_group(signal.SIGKILL)
            codes[proc.name] = proc.popen.returncode

    def unclean_exits(self):
        """Names and statuses of processes that did not exit as expected
        (0, or what the test declared in proc.expected_rc)."""
        bad = []
        for proc in self.actors + [p for p in (self.coordinator, self.supervisor) if p] + \
                self.retired + self.others:
            rc = proc.popen.returncode
            if getattr(proc, "killed_by_harness", False):
                bad.append("%s ignored SIGTERM for %.0fs" % (proc.name, STOP_GRACE_S))
            elif rc not in proc.expected_rc:
                bad.append("%s exited %s" % (proc.name, rc))
        return bad

    def stop_checked(self):
        """Stops everything (stop()), then fails with the logs when a
        process did not exit as expected (unclean_exits())."""
        self.stop()
        bad = self.unclean_exits()
        if bad:
            raise AssertionError("unclean exits: %s\n%s" % (bad, self.logs()))

    def logs(self, lines=40):
        """Tails of every log, for failure messages."""
        if getattr(self, "kept_logs", None) is not None:
            return self.kept_logs
        out = []
        for proc in [p for p in (self.coordinator, self.supervisor) if p] + self.actors + \
                self.retired + self.others:
            tail = proc.log_tail(lines)
            if tail:
                out.append("--- %s (pid %d) ---\n%s" % (proc.name, proc.pid, tail))
        return "\n".join(out)

    # -- sockets ---------------------------------------------------------
    def client(self, kind=zmq.DEALER):
        client = Client(self.ctx, self.client_ep, kind)
        self._clients.append(client)
        return client

    def tap(self, prefixes=("",)):
        tap = Tap(self.ctx, self.tap_ep, prefixes)
        self._taps.append(tap)
        return tap


def run_tests():
    """unittest main with verbose output; exits non-zero on failure."""
    import unittest
    sys.stdout.reconfigure(line_buffering=True)
    unittest.main(verbosity=2)
