"""provider_harness.py — pf-fakeapi, adapter actors and a PFA/1 caller for tests.

Builds on pfp_harness: a Constellation (coordinator, optionally module
actors) plus
  - FakeApi: one pf-fakeapi on a free loopback port (it picks the port and
    prints it), with its control endpoint (faults, limits, stats);
  - start_adapter(): one `pf adapter NAME` pointed at the emulator;
  - Caller: a Python actor speaking PFA/1 (pfa_actor.PfaActor) that sends
    CALLs to adapters through the coordinator and records each REPLY with
    its send and receive times.
Every process is stopped by the Constellation, even when a test fails.
"""

import itertools
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request

import pfa_actor as pa
import pfp_harness as h

FAKEAPI_BIN = os.path.join(os.path.dirname(h.PF_BIN), "pf-fakeapi") if h.PF_BIN else ""
PROVIDERS = ["builtwith", "similarweb", "yahoo_finance", "sec_edgar", "websearch"]
KEYED = {"builtwith": "PF_BUILTWITH_KEY", "similarweb": "PF_SIMILARWEB_KEY",
         "websearch": "PF_WEBSEARCH_KEY"}
SEC_AGENT = "PartnerForge integration tests ops@example.com"
# How long the caller waits for a message before sending what call()
# queued: short, since send times are measured (rate tests).
CALLER_POLL_MS = 2
# How long pf-fakeapi may take to print its port.
FAKEAPI_START_S = 20.0
LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


class FakeApi:
    """pf-fakeapi as a child of constellation c (stopped with it)."""

    def __init__(self, c, args=()):
        if not os.access(FAKEAPI_BIN, os.X_OK):
            raise RuntimeError("pf-fakeapi not built next to pf: %r" % FAKEAPI_BIN)
        log = os.path.join(c.tmp, "fakeapi.%d.log" % len(c.others))
        argv = [FAKEAPI_BIN, "--listen", "127.0.0.1:0"] + list(args)
        self.proc = h.Proc("fakeapi", argv, c.env(), log)
        c.others.append(self.proc)
        self.port = None

        def listening():
            m = LISTEN_RE.search(self.proc.log_tail(200))
            if m:
                self.port = int(m.group(1))
                return True
            if not self.proc.alive():
                raise RuntimeError("pf-fakeapi exited:\n" + self.proc.log_tail())
            return False
        h.wait_until(listening, FAKEAPI_START_S, "pf-fakeapi listening")

    def base(self, provider):
        return "http://127.0.0.1:%d/%s" % (self.port, provider)

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data,
                                     method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read()
        return json.loads(text) if text else None

    def fault(self, **spec):
        return self.control("POST", "/_control/faults", spec)

    def clear_faults(self):
        return self.control("DELETE", "/_control/faults")

    def limit(self, provider, limit, window_ms, grace_ms=None):
        body = {"provider": provider, "limit": limit, "window_ms": window_ms}
        if grace_ms is not None:
            body["grace_ms"] = grace_ms
        return self.control("POST", "/_control/limits", body)

    def stats(self, provider=None):
        s = self.control("GET", "/_control/stats")
        return s["providers"].get(provider, {}) if provider else s

    def reset_stats(self):
        return self.control("POST", "/_control/stats/reset")


def adapter_env(c, provider, extra=None):
    env = c.env()
    for name in KEYED.values():
        env[name] = "integration-test-key"
    env["PF_SEC_EDGAR_USER_AGENT"] = SEC_AGENT
    env.update(extra or {})
    return env


def start_adapter(c, provider, fake, args=(), env=None, instance=None):
    """Starts `pf adapter provider` against fake; returns its Proc."""
    instance = instance or "%s-%d" % (provider, len(c.actors))
    argv = [h.PF_BIN, "adapter", provider, "--actor", c.actor_ep, "--base",
            fake.base(provider), "--instance", instance] + list(args)
    proc = h.Proc(instance, argv, adapter_env(c, provider, env),
                  os.path.join(c.tmp, "%s.log" % instance))
    c.actors.append(proc)
    return proc


class Reply:
    """One REPLY: ok, error_code, error_message, payload, sent/received (monotonic s)."""

    def __init__(self, header, payload, sent, received):
        self.ok = header.get("ok", False)
        self.error_code = header.get("error_code")
        self.error_message = header.get("error_message")
        self.payload = payload
        self.sent = sent
        self.received = received

    @property
    def data(self):
        return self.payload["data"]

    @property
    def provenance(self):
        return self.payload["provenance"]

    def __repr__(self):
        if self.ok:
            return "<Reply ok %s>" % (self.payload.get("provenance"),)
        return "<Reply %s: %s>" % (self.error_code, self.error_message)


class Caller(pa.PfaActor):
    """A PFA/1 actor (service py_caller) on its own thread that makes CALLs."""

    def __init__(self, ctx, endpoint, service="py_caller"):
        self._ids = itertools.count(1)
        self._sent = {}
        self.replies = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        super().__init__(ctx, endpoint, service, "%s-%d" % (service, os.getpid()),
                         poll_ms=CALLER_POLL_MS)

    def _mark_sent(self, call_id):
        with self._lock:
            self._sent[call_id] = time.monotonic()

    def on_reply(self, header, payload):
        with self._cond:
            cid = header["call_id"]
            self.replies[cid] = Reply(header, payload, self._sent.get(cid), time.monotonic())
            self._cond.notify_all()
        return []

    def call(self, service, op, args, timeout_ms=30000):
        """Queues a CALL; returns its call id."""
        call_id = next(self._ids)
        self.send(pa.pfa("CALL", {"call_id": call_id, "service": service, "op": op,
                                  "timeout_ms": timeout_ms}, args),
                  lambda: self._mark_sent(call_id))
        return call_id

    def wait(self, call_ids, timeout=60.0):
        """Waits for the replies of call_ids (one id or a list)."""
        single = isinstance(call_ids, int)
        ids = [call_ids] if single else list(call_ids)
        deadline = time.monotonic() + timeout
        with self._cond:
            while not all(i in self.replies for i in ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    missing = [i for i in ids if i not in self.replies]
                    raise TimeoutError("%d of %d replies missing" % (len(missing), len(ids)))
                self._cond.wait(min(left, 0.1))
            out = [self.replies[i] for i in ids]
        return out[0] if single else out

    def request(self, service, op, args, timeout_ms=30000):
        return self.wait(self.call(service, op, args, timeout_ms), timeout_ms / 1000.0 + 5)


def wait_service(caller, service, op, args, timeout=h.READY_TIMEOUT_S):
    """Calls until the service answers something other than unknown_service/unavailable."""
    deadline = time.monotonic() + timeout
    while True:
        reply = caller.request(service, op, args, timeout_ms=5000)
        if reply.ok or reply.error_code not in ("unknown_service", "unavailable", "timeout"):
            return reply
        if time.monotonic() > deadline:
            raise TimeoutError("%s never answered: %r" % (service, reply))
        time.sleep(h.POLL_STEP_S)
