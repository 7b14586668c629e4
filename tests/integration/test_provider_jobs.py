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

import itertools
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfa_actor as pa  # noqa: E402
import pfp_harness as h  # noqa: E402
import provider_harness as ph  # noqa: E402

SERVICE = "traffic_analysis"
BATCH = 20
# A batch must end within this long even with the provider down: retries
# are bounded by the call deadline and the breaker fails the rest at once.
END_WITHIN_S = 90.0


class TrafficActor(pa.PfaActor):
    """traffic_analysis in Python: one similarweb CALL per TASK."""

    def __init__(self, ctx, endpoint, capacity=8):
        self.outcomes = []                  # (domain, ok, error_code)
        self._pending = {}                  # call_id -> task header
        self._call_ids = itertools.count(1)
        super().__init__(ctx, endpoint, SERVICE, "py-traffic-%d" % os.getpid(), capacity)

    def on_task(self, header, inputs):
        call_id = next(self._call_ids)
        self._pending[call_id] = header
        return [pa.pfa("CALL", {"call_id": call_id, "service": "similarweb", "op": "visits",
                                "timeout_ms": 20000}, {"domain": header["domain"]})]

    def on_reply(self, header, payload):
        task = self._pending.pop(header["call_id"], None)
        if task is None:
            return []
        ok = header.get("ok", False)
        self.outcomes.append((task["domain"], ok, header.get("error_code")))
        if ok:
            return [pa.result(task, payload={"visits": payload["data"],
                                             "provenance": payload["provenance"]})]
        return [pa.result(task, ok=False,
                          error_code="provider_" + header.get("error_code", "error"),
                          error_message=header.get("error_message", ""))]


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
        cls.c.stop_checked()

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
