"""test_job_outcomes.py — how modules fail and how a job's final status follows.

One module is served by an actor far too slow for --module-timeout-ms, so
each attempt times out; after --module-attempts it fails.  The test checks
what docs/PROTOCOL.md promises: the retry and the failure on the tap and in
STATUS, dependents with a required input on the failed module skipped
(with a reason), dependents with only optional inputs on it run without it,
and the job final as `failed` when company_context failed, `partial` when
another module did.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

SIMULATE = 0.01            # the healthy modules
STALLED = 100.0            # the stalled module: its 8..20 s estimate x 100
TIMEOUT_MS = 300           # --module-timeout-ms
ATTEMPTS = 2               # --module-attempts
JOB_TIMEOUT_S = 60.0


class OutcomeCase:
    """Mixin: a constellation where module STALL never answers in time."""
    STALL = None
    EXPECTED_STATUS = None

    @classmethod
    def setUpClass(cls):
        healthy = [m for m in h.MODULES if m != cls.STALL]
        cls.c = h.Constellation(simulate=SIMULATE, modules=healthy, coordinator_args=[
            "--module-timeout-ms", str(TIMEOUT_MS), "--module-attempts", str(ATTEMPTS)],
            module_args=["--drain-ms", "200"])
        try:
            cls.c.start(warm=False)
            cls.c.start_module(cls.STALL, 0, simulate=STALLED)
            cls.client = cls.c.client()
            cls.tap = cls.c.tap()
            cls.tap.sync(cls.client)
        except BaseException:
            cls.c.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    def test_outcome(self):
        domain = "outcome-%s.com" % self.STALL.replace("_", "-")
        res = self.client.request("ENRICH", timeout=JOB_TIMEOUT_S, domain=domain,
                                  **{"async": False})
        self.assertEqual(res.command, "RESULT", res)
        job_id = res["job_id"]
        completed, failed, skipped = h.expected_outcome({self.STALL})
        self.assertEqual(res["status"], self.EXPECTED_STATUS, res.body)
        self.assertEqual(set(res["completed_modules"]), completed)
        self.assertEqual({f["module"] for f in res["failed_modules"]}, failed)
        self.assertEqual({s["module"] for s in res["skipped_modules"]}, skipped)
        self.assertEqual(res["pending_modules"], [])
        self.assertEqual(set(res["results"]), completed)
        for f in res["failed_modules"]:
            self.assertIn("timeout", f["error"])
        for s in res["skipped_modules"]:
            self.assertIsInstance(s["reason"], str)
            self.assertTrue(s["reason"])
        # A module runs on whatever of its inputs completed.
        for name, result in res["results"].items():
            self.assertEqual(result["inputs"], sorted(set(h.UPSTREAM[name]) & completed), name)

        st = self.client.request("STATUS", job_id=job_id)
        self.assertEqual(st["status"], self.EXPECTED_STATUS)
        stalled = st["modules"][self.STALL]
        self.assertEqual(stalled["status"], "failed")
        self.assertEqual(stalled["attempts"], ATTEMPTS)
        self.assertIn("timeout", stalled["error"])
        for name in skipped:
            self.assertEqual(st["modules"][name]["status"], "skipped")
            self.assertIn("error", st["modules"][name])
        for name in completed:
            self.assertEqual(st["modules"][name]["status"], "completed")
            self.assertEqual(st["modules"][name]["attempts"], 1)

        self.tap.wait_for(lambda evs: any(e[0] == "job." + self.EXPECTED_STATUS
                                          and e[1].get("job_id") == job_id for e in evs),
                          JOB_TIMEOUT_S, "job end event")
        events = self.tap.for_job(job_id)

        def of(topic, module=None):
            return [e[1] for e in events if e[0] == topic
                    and (module is None or e[1].get("module") == module)]
        # Attempt 1 timed out and was retried; attempt 2 timed out and failed.
        self.assertEqual([e["attempt"] for e in of("module.started", self.STALL)],
                         list(range(1, ATTEMPTS + 1)))
        self.assertEqual(len(of("module.retried", self.STALL)), ATTEMPTS - 1)
        failed_ev = of("module.failed", self.STALL)
        self.assertEqual(len(failed_ev), 1)
        self.assertIn("timeout", failed_ev[0]["error"])
        self.assertIsInstance(failed_ev[0]["duration_ms"], (int, float))
        self.assertEqual({e["module"] for e in of("module.skipped")}, skipped)
        self.assertEqual({e["module"] for e in of("module.completed")}, completed)
        for name in skipped:
            self.assertEqual(of("module.started", name), [], name)
        end = of("job." + self.EXPECTED_STATUS)
        self.assertEqual(len(end), 1)
        self.assertIsInstance(end[0]["duration_ms"], (int, float))
        self.assertFalse(of("job.completed"))


class RootFails(OutcomeCase, unittest.TestCase):
    """company_context fails: nothing true can be said; the job fails."""
    STALL = "company_context"
    EXPECTED_STATUS = "failed"


class LeafFails(OutcomeCase, unittest.TestCase):
    """hiring_signals fails: its dependents use it optionally; partial."""
    STALL = "hiring_signals"
    EXPECTED_STATUS = "partial"


class ResultTtl(unittest.TestCase):
    """Finished jobs and batches are kept --result-ttl-s, then not_found;
    an idempotency key is forgotten with its job."""
    TTL_S = 3

    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(simulate=0.0, coordinator_args=["--result-ttl-s", str(cls.TTL_S)])
        cls.c.start()
        cls.client = cls.c.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    def test_expiry(self):
        res = self.client.request("ENRICH", timeout=JOB_TIMEOUT_S, domain="short-lived.com",
                                  idempotency_key="ttl-key", **{"async": False})
        self.assertEqual(res["status"], "completed", res)
        job_id = res["job_id"]
        acc = self.client.request("BATCH", domains=["short-a.com", "short-b.com"])
        batch_id = acc["batch_id"]
        h.wait_until(lambda: self.client.request("STATUS", batch_id=batch_id).get("completed") == 2,
                     JOB_TIMEOUT_S, "batch completed")
        # Still there right after the end.
        self.assertEqual(self.client.request("RESULTS", job_id=job_id).command, "RESULT")
        again = self.client.request("ENRICH", domain="short-lived.com", idempotency_key="ttl-key")
        self.assertEqual(again["job_id"], job_id)

        def gone(**ident):
            reply = self.client.request("STATUS", **ident)
            return reply.command == "ERROR" and reply["code"] == "not_found"
        h.wait_until(lambda: gone(job_id=job_id), self.TTL_S + 10, "job expired")
        h.wait_until(lambda: gone(batch_id=batch_id), self.TTL_S + 10, "batch expired")
        for job in acc["job_ids"]:
            h.wait_until(lambda: gone(job_id=job), self.TTL_S + 10, "batch job expired")
        res = self.client.request("RESULTS", job_id=job_id)
        self.assertEqual((res.command, res["code"]), ("ERROR", "not_found"))
        fresh = self.client.request("ENRICH", domain="short-lived.com", idempotency_key="ttl-key")
        self.assertEqual(fresh.command, "ACCEPTED", fresh)
        self.assertNotEqual(fresh["job_id"], job_id)


if __name__ == "__main__":
    h.run_tests()
