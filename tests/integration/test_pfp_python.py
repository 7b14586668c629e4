"""test_pfp_python.py — a PFP/1 client in Python, written from docs/PROTOCOL.md alone.

Runs a simulated constellation (coordinator + one actor per module) and
exercises every command over REQ and DEALER sockets: PING, ENRICH (async,
sync, pipelined), STATUS of jobs and batches, RESULTS with and without
include_partial, CANCEL of jobs and batches, BATCH with rejected domains and
max_concurrency, idempotency keys, module subsets, priorities, and the tap
events of a job.
"""

import os
import re
import sys
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

# Module durations are the design estimates times this: the 57 s critical
# path takes about 2.3 s, company_context 0.4 s — long enough to catch a job
# while it runs, short enough for a quick suite.
SIMULATE = 0.04
JOB_TIMEOUT_S = 60.0

JOB_ID_RE = re.compile(r"^job_[0-9a-f]{24}$")
BATCH_ID_RE = re.compile(r"^batch_[0-9a-f]{24}$")
JOB_STATES = {"queued", "running", "completed", "partial", "failed", "cancelled"}
MODULE_STATES = {"pending", "ready", "running", "completed", "failed", "skipped", "cancelled"}
NUMBER = (int, float)


class PfpClientTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(simulate=SIMULATE).start()
        cls.dealer = cls.c.client()
        cls.req = cls.c.client(zmq.REQ)
        cls.tap = cls.c.tap()
        cls.tap.sync(cls.dealer)

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    # -- helpers ----------------------------------------------------------
    def enrich_async(self, domain, client=None, **fields):
        client = client or self.dealer
        reply = client.request("ENRICH", domain=domain, **fields)
        self.assertEqual(reply.command, "ACCEPTED", reply)
        self.assertRegex(reply["job_id"], JOB_ID_RE)
        return reply["job_id"]

    def status(self, **ident):
        reply = self.dealer.request("STATUS", **ident)
        self.assertEqual(reply.command, "STATUS", reply)
        return reply

    def wait_final(self, job_id, timeout=JOB_TIMEOUT_S):
        return h.wait_until(lambda: self._final_status(job_id), timeout, "job %s final" % job_id)

    def _final_status(self, job_id):
        st = self.status(job_id=job_id)
        return st if st["status"] in h.JOB_FINAL else None

    def wait_tap(self, job_id, topic, module=None, timeout=JOB_TIMEOUT_S):
        def seen(events):
            return [e for e in events if e[0] == topic and e[1].get("job_id") == job_id
                    and (module is None or e[1].get("module") == module)]
        return self.tap.wait_for(seen, timeout, "%s %s %s" % (topic, job_id, module or ""))

    def check_complete_result(self, reply, job_id, domain, modules=h.MODULES):
        expected = set(modules)
        self.assertEqual(reply.command, "RESULT", reply)
        body = reply.body
        self.assertEqual(body["job_id"], job_id)
        self.assertEqual(body["domain"], domain)
        self.assertEqual(body["status"], "completed", body)
        self.assertEqual(set(body["results"]), expected)
        self.assertEqual(sorted(body["completed_modules"]), sorted(expected))
        self.assertEqual(body["failed_modules"], [])
        self.assertEqual(body["skipped_modules"], [])
        self.assertEqual(body["pending_modules"], [])
        self.assertIsInstance(body["duration_ms"], NUMBER)
        self.assertGreaterEqual(body["duration_ms"], 0)
        for name, result in body["results"].items():
            self.assertIsInstance(result, dict)
            self.assertEqual(result["module"], name)
            self.assertEqual(result["domain"], domain)
            self.assertIs(result["simulated"], True)
            # A function of (module, domain, inputs): no attempt number.
            self.assertNotIn("attempt", result)
            # The engine hands each module exactly its upstream results.
            self.assertEqual(result["inputs"], sorted(h.UPSTREAM[name]), name)

    # -- PING ---------------------------------------------------------------
    def test_ping_req(self):
        reply = self.req.request("PING", req_id="ping-req-1")
        self.assertEqual(reply.command, "PONG")
        self.assertEqual(reply["req_id"], "ping-req-1")
        self.assertIsInstance(reply["version"], str)
        self.assertTrue(reply["version"])
        self.assertIsInstance(reply["uptime_s"], NUMBER)
        self.assertGreaterEqual(reply["uptime_s"], 0)

    def test_ping_dealer_pipelined(self):
        ids = ["pp-%d" % i for i in range(20)]
        for req_id in ids:
            self.dealer.submit("PING", req_id=req_id)
        got = set()
        for _ in ids:
            reply = self.dealer.recv()
            self.assertEqual(reply.command, "PONG")
            got.add(reply["req_id"])
        self.assertEqual(got, set(ids))

    # -- ENRICH ---------------------------------------------------------------
    def test_enrich_async_then_results(self):
        reply = self.req.request("ENRICH", domain="async-one.com")
        self.assertEqual(reply.command, "ACCEPTED", reply)
        self.assertRegex(reply["job_id"], JOB_ID_RE)
        self.assertEqual(reply["status"], "queued")
        self.assertIsInstance(reply["estimated_time_seconds"], NUMBER)
        self.assertGreater(reply["estimated_time_seconds"], 0)
        job_id = reply["job_id"]
        self.assertEqual(self.wait_final(job_id)["status"], "completed")
        result = self.req.request("RESULTS", job_id=job_id)
        self.check_complete_result(result, job_id, "async-one.com")

    def test_enrich_sync_pipelined_and_canonical_domains(self):
        # DEALER: three sync requests in flight at once, replies by req_id.
        cases = {"Pipeline-One.COM.": "pipeline-one.com",
                 "b\u00fccher.de": "xn--bcher-kva.de",
                 "pipeline-three.io": "pipeline-three.io"}
        ids = {}
        for sent, canonical in cases.items():
            ids[self.dealer.submit("ENRICH", domain=sent, **{"async": False})] = canonical
        for req_id, canonical in ids.items():
            reply = self.dealer.recv_for(req_id, JOB_TIMEOUT_S)
            self.assertEqual(reply["req_id"], req_id)
            self.assertRegex(reply["job_id"], JOB_ID_RE)
            self.check_complete_result(reply, reply["job_id"], canonical)

    def test_enrich_sync_over_req(self):
        reply = self.req.request("ENRICH", timeout=JOB_TIMEOUT_S, domain="sync-req.net",
                                 modules=["hiring_signals", "traffic_analysis"],
                                 **{"async": False})
        self.check_complete_result(reply, reply["job_id"], "sync-req.net",
                                   h.closure(["hiring_signals", "traffic_analysis"]))

    # -- STATUS -----------------------------------------------------------
    def test_status_job_while_running_and_after(self):
        job_id = self.enrich_async("status-job.org", priority="low")
        st = self.status(job_id=job_id)
        body = st.body
        self.assertEqual(body["job_id"], job_id)
        self.assertEqual(body["domain"], "status-job.org")
        self.assertIn(body["status"], {"queued", "running"})
        self.assertEqual(body["priority"], "low")
        self.assertEqual(set(body["modules"]), set(h.MODULES))
        for name, mod in body["modules"].items():
            self.assertIn(mod["status"], MODULE_STATES, name)
            self.assertIsInstance(mod["attempts"], int)
        self.assertIsInstance(body["elapsed_seconds"], NUMBER)
        self.assertIsInstance(body["estimated_remaining_seconds"], NUMBER)
        self.assertGreater(body["estimated_remaining_seconds"], 0)
        self.assertIn("created_at", body)

        final = self.wait_final(job_id).body
        self.assertEqual(final["status"], "completed")
        self.assertEqual(final["created_at"], body["created_at"])
        self.assertGreaterEqual(final["elapsed_seconds"], body["elapsed_seconds"])
        for name, mod in final["modules"].items():
            self.assertEqual(mod["status"], "completed", name)
            self.assertGreaterEqual(mod["attempts"], 1)
            self.assertIsInstance(mod["duration_ms"], NUMBER)
            self.assertNotIn("error", mod)

    def test_status_batch(self):
        domains = ["status-batch-%d.com" % i for i in range(3)]
        acc = self.dealer.request("BATCH", domains=domains, max_concurrency=3)
        self.assertEqual(acc.command, "ACCEPTED", acc)
        batch_id = acc["batch_id"]
        self.assertRegex(batch_id, BATCH_ID_RE)
        keys = ("queued", "running", "completed", "partial", "failed", "cancelled")

        def done():
            st = self.status(batch_id=batch_id).body
            self.assertEqual(st["batch_id"], batch_id)
            self.assertEqual(st["total"], 3)
            self.assertEqual(sum(st[k] for k in keys), 3, st)
            return st if st["completed"] == 3 else None
        final = h.wait_until(done, JOB_TIMEOUT_S, "batch completed")
        self.assertEqual(final["queued"] + final["running"] + final["failed"], 0)

    # -- RESULTS ------------------------------------------------------------
    def test_results_not_ready_and_partial(self):
        job_id = self.enrich_async("partial-view.com")
        err = self.dealer.request("RESULTS", req_id="nr-1", job_id=job_id)
        self.assertEqual(err.command, "ERROR", err)
        self.assertEqual(err["code"], "not_ready")
        self.assertEqual(err["req_id"], "nr-1")
        self.assertIsInstance(err["message"], str)

        # Once company_context is done (and the brief surely is not), a
        # partial view holds it and lists the rest as pending.
        self.wait_tap(job_id, "module.completed", "company_context")
        part = self.dealer.request("RESULTS", job_id=job_id, include_partial=True)
        self.assertEqual(part.command, "RESULT", part)
        body = part.body
        self.assertEqual(body["job_id"], job_id)
        self.assertIn(body["status"], {"queued", "running"})
        self.assertIn("company_context", body["completed_modules"])
        self.assertEqual(set(body["results"]), set(body["completed_modules"]))
        self.assertIn("strategic_signal_brief", body["pending_modules"])
        self.assertEqual(set(body["completed_modules"]) | set(body["pending_modules"]),
                         set(h.MODULES))
        self.assertFalse(set(body["completed_modules"]) & set(body["pending_modules"]))

        self.wait_final(job_id)
        full = self.dealer.request("RESULTS", job_id=job_id, include_partial=False)
        self.check_complete_result(full, job_id, "partial-view.com")
        again = self.dealer.request("RESULTS", job_id=job_id, include_partial=True)
        self.check_complete_result(again, job_id, "partial-view.com")

    # -- CANCEL -------------------------------------------------------------
    def test_cancel_running_job(self):
        job_id = self.enrich_async("cancel-me.com")
        self.wait_tap(job_id, "module.completed", "company_context")
        reply = self.req.request("CANCEL", req_id="cx-1", job_id=job_id)
        self.assertEqual(reply.command, "CANCELLED", reply)
        self.assertEqual(reply["req_id"], "cx-1")
        self.assertEqual(reply["job_id"], job_id)
        self.assertEqual(reply["status"], "cancelled")

        st = self.wait_final(job_id).body
        self.assertEqual(st["status"], "cancelled")
        self.wait_tap(job_id, "job.cancelled")

        def settled():
            mods = self.status(job_id=job_id)["modules"]
            return mods if all(m["status"] not in ("pending", "ready", "running")
                               for m in mods.values()) else None
        mods = h.wait_until(settled, JOB_TIMEOUT_S, "cancelled job's modules settled")
        self.assertEqual(mods["company_context"]["status"], "completed")
        self.assertEqual(mods["strategic_signal_brief"]["status"], "cancelled")

        res = self.dealer.request("RESULTS", job_id=job_id)
        self.assertEqual(res.command, "RESULT", res)
        self.assertEqual(res["status"], "cancelled")
        self.assertIn("company_context", res["results"])
        self.assertEqual(set(res["results"]), set(res["completed_modules"]))
        self.assertNotIn("strategic_signal_brief", res["results"])

        # Nothing of the job is dispatched once it is cancelled.  A later job
        # going through proves the engine has moved on.
        self.test_enrich_sync_over_req()
        events = self.tap.for_job(job_id)
        topics = [e[0] for e in events]
        after = topics[topics.index("job.cancelled"):]
        self.assertNotIn("module.started", after, events)
        self.assertNotIn("job.completed", topics)

    def test_sync_enrich_answers_when_cancelled(self):
        # A synchronous ENRICH is answered when its job ends, whatever the end.
        waiter = self.c.client()
        req_id = waiter.submit("ENRICH", domain="sync-cancel.com", idempotency_key="sc-%d"
                               % os.getpid(), **{"async": False})
        job_id = self.enrich_async("sync-cancel.com", idempotency_key="sc-%d" % os.getpid())
        self.wait_tap(job_id, "module.completed", "company_context")
        cx = self.dealer.request("CANCEL", job_id=job_id)
        self.assertEqual(cx["status"], "cancelled")
        res = waiter.recv_for(req_id, JOB_TIMEOUT_S)
        self.assertEqual(res.command, "RESULT", res)
        self.assertEqual((res["job_id"], res["status"]), (job_id, "cancelled"))
        self.assertEqual(res["pending_modules"], [])
        self.assertIn({"module": "strategic_signal_brief", "reason": "cancelled"},
                      res["skipped_modules"])

    def test_cancel_finished_job_keeps_its_status(self):
        reply = self.dealer.request("ENRICH", timeout=JOB_TIMEOUT_S, domain="done-already.com",
                                    modules=["company_context"], **{"async": False})
        self.assertEqual(reply["status"], "completed", reply)
        cx = self.dealer.request("CANCEL", job_id=reply["job_id"])
        self.assertEqual(cx.command, "CANCELLED", cx)
        self.assertEqual(cx["status"], "completed")
        self.assertEqual(self.status(job_id=reply["job_id"])["status"], "completed")

    def test_cancel_batch(self):
        domains = ["cancel-batch-%d.com" % i for i in range(6)]
        acc = self.dealer.request("BATCH", domains=domains, max_concurrency=1)
        self.assertEqual(acc.command, "ACCEPTED", acc)
        batch_id, job_ids = acc["batch_id"], acc["job_ids"]
        self.wait_tap(job_ids[0], "job.started")
        cx = self.dealer.request("CANCEL", req_id="cxb", batch_id=batch_id)
        self.assertEqual(cx.command, "CANCELLED", cx)
        self.assertEqual(cx["req_id"], "cxb")
        self.assertEqual(cx["batch_id"], batch_id)
        self.assertEqual(cx["status"], "cancelled")

        def settled():
            st = self.status(batch_id=batch_id).body
            return st if st["queued"] + st["running"] == 0 else None
        st = h.wait_until(settled, JOB_TIMEOUT_S, "cancelled batch settled")
        self.assertEqual(st["total"], 6)
        # The first job was running, the other five never started.
        self.assertGreaterEqual(st["cancelled"], 5, st)
        self.assertEqual(st["cancelled"] + st["completed"], 6, st)
        for job_id in job_ids[1:]:
            self.assertEqual(self.status(job_id=job_id)["status"], "cancelled")
            self.assertFalse([e for e in self.tap.for_job(job_id) if e[0] == "job.started"])

    def test_cancel_finished_batch_keeps_its_status(self):
        acc = self.dealer.request("BATCH", domains=["fin-a.com", "fin-b.com"],
                                  modules=["company_context"])
        self.assertEqual(acc.command, "ACCEPTED", acc)
        for job_id in acc["job_ids"]:
            self.assertEqual(self.wait_final(job_id)["status"], "completed")
        cx = self.dealer.request("CANCEL", batch_id=acc["batch_id"])
        self.assertEqual((cx.command, cx["status"]), ("CANCELLED", "completed"), cx)
        st = self.status(batch_id=acc["batch_id"]).body
        self.assertEqual((st["completed"], st["cancelled"]), (2, 0), st)

    # -- BATCH --------------------------------------------------------------
    def test_batch_rejects_and_max_concurrency(self):
        domains = ["alpha-batch.com", "1.2.3.4", "beta-batch.com", "localhost",
                   "gamma-batch.com", "delta-batch.com"]
        acc = self.req.request("BATCH", req_id="b-1", domains=domains, max_concurrency=2,
                               priority="high")
        self.assertEqual(acc.command, "ACCEPTED", acc)
        self.assertEqual(acc["req_id"], "b-1")
        self.assertRegex(acc["batch_id"], BATCH_ID_RE)
        job_ids = acc["job_ids"]
        self.assertEqual(len(job_ids), 4)
        self.assertEqual(len(set(job_ids)), 4)
        for job_id in job_ids:
            self.assertRegex(job_id, JOB_ID_RE)
        rejected = sorted(acc["rejected"], key=lambda r: r["domain"])
        self.assertEqual([r["domain"] for r in rejected], ["1.2.3.4", "localhost"])
        for r in rejected:
            self.assertEqual(r["code"], "invalid_domain")
            self.assertIsInstance(r["message"], str)
        # job_ids follow the accepted domains in order.
        accepted = [d for d in domains if d not in ("1.2.3.4", "localhost")]
        for job_id, domain in zip(job_ids, accepted):
            self.assertEqual(self.status(job_id=job_id)["domain"], domain)
            self.assertEqual(self.status(job_id=job_id)["priority"], "high")

        for job_id in job_ids:
            self.assertEqual(self.wait_final(job_id)["status"], "completed")
        for job_id in job_ids:
            self.wait_tap(job_id, "job.completed")
        # At no moment were more than two of the batch's jobs running.
        running, peak = 0, 0
        for topic, body, _ in self.tap.snapshot():
            if body.get("job_id") not in job_ids:
                continue
            if topic == "job.started":
                running += 1
                peak = max(peak, running)
            elif topic in ("job.completed", "job.partial", "job.failed", "job.cancelled"):
                running -= 1
        self.assertEqual(peak, 2)

    # -- idempotency, subsets, priority -----------------------------------
    def test_idempotency_key_returns_same_job(self):
        key = "idem-%d" % os.getpid()
        first = self.enrich_async("idem-one.com", idempotency_key=key)
        second = self.enrich_async("idem-one.com", idempotency_key=key, client=self.req)
        self.assertEqual(first, second)
        other = self.enrich_async("idem-one.com", idempotency_key=key + "-other")
        self.assertNotEqual(first, other)
        plain = self.enrich_async("idem-one.com")
        self.assertNotIn(plain, (first, other))
        for job_id in (first, other, plain):
            self.wait_final(job_id)
        # Still the same job once it has finished.
        self.assertEqual(self.enrich_async("idem-one.com", idempotency_key=key), first)

    def test_module_subset_implies_upstream(self):
        want = ["displacement_analysis"]
        reply = self.dealer.request("ENRICH", timeout=JOB_TIMEOUT_S, domain="subset.co.uk",
                                    modules=want, **{"async": False})
        expected = {"displacement_analysis", "competitor_intelligence", "technology_stack",
                    "company_context"}
        self.assertEqual(h.closure(want), expected)
        self.check_complete_result(reply, reply["job_id"], "subset.co.uk", expected)
        mods = self.status(job_id=reply["job_id"])["modules"]
        self.assertEqual(set(mods), expected)
        ran = {e[1]["module"] for e in self.tap.for_job(reply["job_id"])
               if e[0] == "module.started"}
        self.assertEqual(ran, expected)

    def test_modules_all_keyword(self):
        reply = self.dealer.request("ENRICH", domain="all-keyword.com", modules=["all"])
        self.assertEqual(reply.command, "ACCEPTED", reply)
        self.assertEqual(set(self.status(job_id=reply["job_id"])["modules"]), set(h.MODULES))

    def test_priority_accepted(self):
        for prio in ("high", "default", "low"):
            job_id = self.enrich_async("prio-%s.com" % prio, priority=prio,
                                       modules=["company_context"])
            self.assertEqual(self.status(job_id=job_id)["priority"], prio)
            acc = self.wait_tap(job_id, "job.accepted")[0][1]
            self.assertEqual(acc["priority"], prio)
        job_id = self.enrich_async("prio-none.com", modules=["company_context"])
        self.assertEqual(self.status(job_id=job_id)["priority"], "default")

    # -- the tap ----------------------------------------------------------
    def test_tap_events_of_a_job(self):
        before = time.time() * 1000.0
        job_id = self.enrich_async("tap-watch.com", priority="high")
        self.wait_tap(job_id, "job.completed")
        after = time.time() * 1000.0
        events = self.tap.for_job(job_id)
        topics = [e[0] for e in events]
        self.assertEqual(topics[0], "job.accepted", topics)
        self.assertEqual(topics[-1], "job.completed", topics)
        self.assertEqual(topics.count("job.started"), 1)
        for topic, body, _ in events:
            self.assertEqual(body["type"], topic)
            self.assertIsInstance(body["ts"], float)
            self.assertGreaterEqual(body["ts"], before - 1000)
            self.assertLessEqual(body["ts"], after + 1000)
            self.assertEqual(body["domain"], "tap-watch.com")
        accepted = events[0][1]
        self.assertEqual(accepted["priority"], "high")
        self.assertIsInstance(accepted["modules"], list)
        self.assertIsInstance(events[-1][1]["duration_ms"], NUMBER)

        ts = {}
        for topic, body, _ in events:
            if topic.startswith("module."):
                self.assertIn(body["module"], h.MODULES)
                self.assertIsInstance(body["attempt"], int)
                key = (topic, body["module"])
                self.assertNotIn(key, ts, "duplicate %s" % (key,))
                ts[key] = body["ts"]
                if topic == "module.completed":
                    self.assertIsInstance(body["duration_ms"], NUMBER)
        for name in h.MODULES:
            for topic in ("module.ready", "module.started", "module.completed"):
                self.assertIn((topic, name), ts)
            self.assertLessEqual(ts[("module.ready", name)], ts[("module.started", name)])
            self.assertLess(ts[("module.started", name)], ts[("module.completed", name)])
            # Dataflow: a module starts only after all its inputs completed.
            for up in h.UPSTREAM[name]:
                self.assertLessEqual(ts[("module.completed", up)], ts[("module.started", name)],
                                     "%s started before its input %s completed" % (name, up))
        self.assertFalse(self.tap.errors, self.tap.errors)


if __name__ == "__main__":
    h.run_tests()
