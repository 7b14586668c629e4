"""test_provider_jobs.py — a provider down for good leaves jobs partial, not stuck.

A coordinator, pf-fakeapi, the similarweb adapter, fourteen simulated
modules, and traffic_analysis served by a Python PFA/1 actor that asks the
similarweb adapter for the domain's visits and completes with them, or
fails the task with the adapter's error.  With similarweb healthy a batch
completes; with similarweb down for good (every connection reset) every job
of a batch ends `partial` — traffic_analysis failed, everything else done —
well within the time retries and the open breaker allow, and most calls
are refused by the open breaker without touching the provider.
"""

import os
import sys
import threading
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import provider_harness as ph  # noqa: E402

SERVICE = "traffic_analysis"
BATCH = 20
# A batch must end within this long even with the provider down: retries
# are bounded by the call deadline and the breaker fails the rest at once.
END_WITHIN_S = 90.0


class TrafficActor:
    """traffic_analysis in Python: one similarweb CALL per TASK."""

    def __init__(self, ctx, endpoint, capacity=8):
        self.ctx = ctx
        self.endpoint = endpoint
        self.capacity = capacity
        self.outcomes = []                  # (domain, ok, error_code)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(h.READY_TIMEOUT_S):
            raise TimeoutError("traffic actor got no WELCOME")

    def _run(self):
        sock = self.ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(self.endpoint)
        sock.send_multipart(ph.pfa("READY", {"service": SERVICE,
                                             "instance": "py-traffic-%d" % os.getpid(),
                                             "capacity": self.capacity, "pid": os.getpid(),
                                             "host": "python"}))
        pending = {}                        # call_id -> task header
        next_call = 1
        beat_s, next_beat = 1.0, time.monotonic() + 1.0
        try:
            while not self._stop.is_set():
                if time.monotonic() >= next_beat:
                    sock.send_multipart(ph.pfa("HEARTBEAT"))
                    next_beat = time.monotonic() + beat_s
                if sock.poll(20, zmq.POLLIN) == 0:
                    continue
                frames = sock.recv_multipart()
                command = frames[1].decode()
                header = h.unpack(frames[2])
                if command == "WELCOME":
                    beat_s = header["heartbeat_ms"] / 1000.0
                    self._ready.set()
                elif command == "TASK":
                    pending[next_call] = header
                    sock.send_multipart(ph.pfa("CALL", {
                        "call_id": next_call, "service": "similarweb", "op": "visits",
                        "timeout_ms": 20000}, {"domain": header["domain"]}))
                    next_call += 1
                elif command == "REPLY":
                    task = pending.pop(header["call_id"], None)
                    if task is None:
                        continue
                    ok = header.get("ok", False)
                    result_header = {"task_id": task["task_id"], "job_id": task["job_id"],
                                     "module": task["module"], "attempt": task["attempt"],
                                     "ok": ok, "duration_ms": 1}
                    self.outcomes.append((task["domain"], ok, header.get("error_code")))
                    if ok:
                        reply = h.unpack(frames[3])
                        sock.send_multipart(ph.pfa("RESULT", result_header, {
                            "visits": reply["data"], "provenance": reply["provenance"]}))
                    else:
                        result_header["error_code"] = "provider_" + header.get(
                            "error_code", "error")
                        result_header["error_message"] = header.get("error_message", "")
                        sock.send_multipart(ph.pfa("RESULT", result_header))
        finally:
            sock.close(0)

    def close(self):
        self._stop.set()
        self._thread.join(h.READY_TIMEOUT_S)


class ProviderJobsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(simulate=0.001, modules=[m for m in h.MODULES if m != SERVICE])
        try:
            cls.c.start(warm=False)
            cls.fake = ph.FakeApi(cls.c)
            ph.start_adapter(cls.c, "similarweb", cls.fake,
                             ["--rpm", "600", "--breaker-recovery-ms", "60000",
                              "--deadline-ms", "5000"])
            caller = ph.Caller(cls.c.ctx, cls.c.actor_ep)
            try:
                ph.wait_service(caller, "similarweb", "visits", {"domain": "stripe.com"})
            finally:
                caller.close()
            cls.actor = TrafficActor(cls.c.ctx, cls.c.actor_ep)
            cls.client = cls.c.client()
        except BaseException:
            cls.c.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.actor.close()
        cls.c.stop()
        bad = cls.c.unclean_exits()
        if bad:
            raise AssertionError("unclean exits: %s\n%s" % (bad, cls.c.logs()))

    def run_batch(self, prefix):
        """Runs a batch of BATCH domains; returns (job states, seconds)."""
        domains = ["%s-%d.example-shop.com" % (prefix, i) for i in range(BATCH)]
        reply = self.client.request("BATCH", domains=domains)
        self.assertEqual(reply.command, "ACCEPTED", reply)
        batch_id, job_ids = reply["batch_id"], reply["job_ids"]
        t0 = time.monotonic()

        def ended():
            s = self.client.request("STATUS", batch_id=batch_id)
            return s["queued"] == 0 and s["running"] == 0
        h.wait_until(ended, END_WITHIN_S, "batch %s to end" % prefix)
        took = time.monotonic() - t0
        states = [self.client.request("STATUS", job_id=j)["status"] for j in job_ids]
        return states, took

    def test_1_healthy_provider_completes(self):
        states, _ = self.run_batch("ok")
        self.assertEqual(sorted(set(states)), ["completed"], states)

    def test_2_provider_down_leaves_jobs_partial(self):
        self.fake.fault(provider="similarweb", down=True)
        before = self.fake.stats("similarweb")["requests"]
        states, took = self.run_batch("down")
        self.assertEqual(len(states), BATCH)
        self.assertEqual(sorted(set(states)), ["partial"], states)
        codes = {code for _, ok, code in self.actor.outcomes if not ok}
        self.assertIn("breaker_open", codes)
        made = self.fake.stats("similarweb")["requests"] - before
        refused = sum(1 for _, ok, code in self.actor.outcomes if code == "breaker_open")
        sys.stderr.write("provider down: %d jobs partial in %.1f s; %d HTTP requests, "
                         "%d calls refused by the open breaker\n" % (BATCH, took, made, refused))
        self.assertLess(took, END_WITHIN_S)


if __name__ == "__main__":
    h.run_tests()
