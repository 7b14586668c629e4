"""test_pfa_python.py — a module actor written in Python, from docs/PROTOCOL-INTERNAL.md.

The C actors serve fourteen modules; a Python DEALER speaking PFA/1 serves
the fifteenth (traffic_analysis).  Checks that the actor protocol is
language-neutral and that the coordinator holds up its side: registration
and WELCOME, actor.joined/actor.lost on the tap, TASK inputs, RESULT taken
exactly once (a duplicate is dropped), a non-map result failing the attempt
(bad_result) and being retried, DISCONNECT for an unknown peer, and EVENTs
republished on the tap.
"""

import os
import sys
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfa_actor as pa  # noqa: E402
import pfp_harness as h  # noqa: E402

SERVICE = "traffic_analysis"
INSTANCE = "py-actor-%d" % os.getpid()
JOB_TIMEOUT_S = 60.0


class PyActor(pa.PfaActor):
    """traffic_analysis in Python; its policy says how it answers a TASK."""

    def __init__(self, ctx, endpoint, capacity=4):
        self.tasks = []                      # (header, inputs) as received
        self.received = []                   # every (command, header)
        # How to answer a task: returns a list of messages (frame lists).
        self.policy = self.good_result
        super().__init__(ctx, endpoint, SERVICE, INSTANCE, capacity)

    @staticmethod
    def good_result(header, inputs):
        result = {"module": header["module"], "domain": header["domain"], "simulated": True,
                  "attempt": header["attempt"], "inputs": sorted(inputs),
                  "served_by": "python"}
        return [pa.result(header, payload=result)]

    def on_message(self, command, header):
        self.received.append((command, header))

    def on_task(self, header, inputs):
        self.tasks.append((header, inputs))
        return self.policy(header, inputs)


class PfaPythonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(simulate=0.01, modules=[m for m in h.MODULES if m != SERVICE])
        try:
            cls.c.start(warm=False)
            cls.client = cls.c.client()
            cls.tap = cls.c.tap()
            cls.tap.sync(cls.client)
            cls.actor = PyActor(cls.c.ctx, cls.c.actor_ep)
        except BaseException:
            cls.c.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.actor.close()
        cls.c.stop_checked()

    def setUp(self):
        self.actor.policy = self.actor.good_result

    def enrich(self, domain, **fields):
        reply = self.client.request("ENRICH", timeout=JOB_TIMEOUT_S, domain=domain,
                                    **dict({"async": False}, **fields))
        self.assertEqual(reply.command, "RESULT", reply)
        return reply

    def test_welcome_and_joined(self):
        self.assertIsInstance(self.actor.welcome["heartbeat_ms"], int)
        self.assertIsInstance(self.actor.welcome["liveness"], int)
        joined = self.tap.wait_for(lambda evs: [e for e in evs if e[0] == "actor.joined"
                                                and e[1].get("instance") == INSTANCE],
                                   JOB_TIMEOUT_S, "actor.joined")
        self.assertEqual(joined[0][1]["service"], SERVICE)

    def test_python_actor_serves_its_module(self):
        res = self.enrich("py-served.com")
        self.assertEqual(res["status"], "completed", res.body)
        self.assertEqual(res["results"][SERVICE]["served_by"], "python")
        self.assertEqual(res["results"][SERVICE]["inputs"], [])
        # Downstream modules got the Python result as an input.
        self.assertIn(SERVICE, res["results"]["icp_priority_mapping"]["inputs"])
        self.assertIn(SERVICE, res["results"]["strategic_signal_brief"]["inputs"])
        task = [t for t in self.actor.tasks if t[0]["job_id"] == res["job_id"]]
        self.assertEqual(len(task), 1)
        header = task[0][0]
        self.assertEqual((header["module"], header["domain"], header["attempt"]),
                         (SERVICE, "py-served.com", 1))
        self.assertIsInstance(header["task_id"], int)
        self.assertIsInstance(header["timeout_ms"], int)

    def test_duplicate_result_taken_once(self):
        def twice(header, inputs):
            return self.actor.good_result(header, inputs) * 2
        self.actor.policy = twice
        res = self.enrich("py-twice.com")
        self.assertEqual(res["status"], "completed")
        # A later job through the same actor proves the duplicate was handled.
        self.actor.policy = self.actor.good_result
        self.enrich("py-after-twice.com")
        done = [e for e in self.tap.for_job(res["job_id"])
                if e[0] == "module.completed" and e[1]["module"] == SERVICE]
        self.assertEqual(len(done), 1)

    def test_non_map_result_fails_the_attempt(self):
        def first_bad(header, inputs):
            if header["attempt"] == 1:
                return [pa.result(header, payload=[1, 2, 3])]
            return self.actor.good_result(header, inputs)
        self.actor.policy = first_bad
        res = self.enrich("py-bad-result.com")
        self.assertEqual(res["status"], "completed", res.body)
        self.assertEqual(res["results"][SERVICE]["attempt"], 2)
        retried = [e[1] for e in self.tap.for_job(res["job_id"])
                   if e[0] == "module.retried" and e[1]["module"] == SERVICE]
        self.assertEqual(len(retried), 1)
        self.assertIn("bad_result", retried[0]["error"])

    def test_too_deep_result_fails_the_attempt(self):
        # A result nested deeper than a result may be would make every
        # TASK carrying it undecodable downstream: refused where it arrives.
        def first_deep(header, inputs):
            if header["attempt"] == 1:
                deep = {"x": 1}
                for _ in range(60):
                    deep = {"d": deep}
                return [pa.result(header, payload=deep)]
            return self.actor.good_result(header, inputs)
        self.actor.policy = first_deep
        res = self.enrich("py-deep-result.com")
        self.assertEqual(res["status"], "completed", res.body)
        self.assertEqual(res["results"][SERVICE]["attempt"], 2)
        retried = [e[1] for e in self.tap.for_job(res["job_id"])
                   if e[0] == "module.retried" and e[1]["module"] == SERVICE]
        self.assertIn("bad_result", retried[0]["error"])

    def test_call_to_unknown_service_is_answered_at_once(self):
        self.actor.send(pa.pfa("CALL", {"call_id": 4242,
                                        "service": "no_such_service_%d" % os.getpid(),
                                        "op": "lookup", "timeout_ms": 60000}, {}))
        def answered():
            return [hd for cmd, hd in self.actor.received
                    if cmd == "REPLY" and hd.get("call_id") == 4242]
        reply = h.wait_until(answered, 10, "REPLY to the call")[0]
        self.assertFalse(reply["ok"])
        self.assertEqual(reply["error_code"], "unknown_service")

    def test_draining_answer_is_not_a_failure(self):
        # "draining" hands the task back: re-dispatched at once, and it does
        # not use up one of the module's failed attempts.
        def first_draining(header, inputs):
            if header["attempt"] == 1:
                return [pa.result(header, ok=False, duration_ms=0, error_code="draining",
                                  error_message="this instance is draining")]
            return self.actor.good_result(header, inputs)
        self.actor.policy = first_draining
        res = self.enrich("py-draining.com")
        self.assertEqual(res["status"], "completed", res.body)
        self.assertEqual(res["results"][SERVICE]["attempt"], 2)
        events = [e for e in self.tap.for_job(res["job_id"]) if e[1].get("module") == SERVICE]
        self.assertFalse([e for e in events if e[0] == "module.failed"])
        retried = [e[1] for e in events if e[0] == "module.retried"]
        self.assertEqual(len(retried), 1)
        self.assertIn("draining", retried[0]["error"])

    def test_error_result_is_retried(self):
        def first_error(header, inputs):
            if header["attempt"] == 1:
                return [pa.result(header, ok=False, error_code="upstream_down",
                                  error_message="provider said no")]
            return self.actor.good_result(header, inputs)
        self.actor.policy = first_error
        res = self.enrich("py-error.com")
        self.assertEqual(res["status"], "completed", res.body)
        st = self.client.request("STATUS", job_id=res["job_id"])
        self.assertEqual(st["modules"][SERVICE]["attempts"], 2)
        retried = [e[1] for e in self.tap.for_job(res["job_id"])
                   if e[0] == "module.retried" and e[1]["module"] == SERVICE]
        self.assertEqual(len(retried), 1)
        self.assertIn("upstream_down", retried[0]["error"])

    def test_unknown_peer_is_told_to_register(self):
        stranger = self.c.ctx.socket(zmq.DEALER)
        try:
            stranger.setsockopt(zmq.LINGER, 0)
            stranger.connect(self.c.actor_ep)
            stranger.send_multipart(pa.pfa("HEARTBEAT"))
            self.assertTrue(stranger.poll(10000, zmq.POLLIN), "no answer to an unknown peer")
            frames = stranger.recv_multipart()
            self.assertEqual(frames[:2], [pa.PFA, b"DISCONNECT"])
            self.assertEqual(h.unpack(frames[2])["reason"], "unknown_peer")
        finally:
            stranger.close(0)

    def test_event_is_republished(self):
        body = {"api": "py_api", "endpoint": "/v1/x", "status": 200, "duration_ms": 1.5,
                "cached": False, "ts": time.time() * 1000.0, "type": "api.call"}
        self.actor.send(pa.pfa("EVENT", {"topic": "api.call"}, body))
        got = self.tap.wait_for(lambda evs: [e for e in evs if e[0] == "api.call"
                                             and e[1].get("api") == "py_api"],
                                JOB_TIMEOUT_S, "api.call on the tap")
        event = got[0][1]
        for key in ("endpoint", "status", "duration_ms", "cached"):
            self.assertEqual(event[key], body[key])
        self.assertEqual(event["type"], "api.call")
        self.assertIsInstance(event["ts"], float)

    def test_event_gets_ts_and_type_from_the_coordinator(self):
        # Every tap event has ts and type, stamped by the coordinator.
        self.actor.send(pa.pfa("EVENT", {"topic": "api.throttled"}, {"api": "py_bare",
                                                                      "wait_ms": 5}))
        got = self.tap.wait_for(lambda evs: [e for e in evs if e[0] == "api.throttled"
                                             and e[1].get("api") == "py_bare"],
                                JOB_TIMEOUT_S, "api.throttled on the tap")
        self.assertEqual(got[0][1].get("type"), "api.throttled")
        self.assertIsInstance(got[0][1].get("ts"), float)

    def test_event_topic_must_be_api(self):
        # An actor cannot forge the engine's events: job.* from an actor is
        # dropped, while the next api.* event still goes through.
        self.actor.send(pa.pfa("EVENT", {"topic": "job.completed"}, {"job_id": "job_forged"}))
        self.actor.send(pa.pfa("EVENT", {"topic": "api.breaker"}, {"api": "py_after_forgery",
                                                                  "state": "open",
                                                                  "failures": 1}))
        self.tap.wait_for(lambda evs: [e for e in evs if e[0] == "api.breaker"
                                       and e[1].get("api") == "py_after_forgery"],
                          JOB_TIMEOUT_S, "api.breaker on the tap")
        forged = [e for e in self.tap.snapshot() if e[1].get("job_id") == "job_forged"]
        self.assertEqual(forged, [])

    def test_zz_disconnect_is_actor_lost(self):
        # Runs last (alphabetical order): the actor leaves.
        self.actor.send(pa.pfa("DISCONNECT", {"reason": "shutdown"}))
        lost = self.tap.wait_for(lambda evs: [e for e in evs if e[0] == "actor.lost"
                                              and e[1].get("instance") == INSTANCE],
                                 JOB_TIMEOUT_S, "actor.lost")
        self.assertEqual(lost[0][1]["reason"], "shutdown")
        # Nobody serves the module now: a job waits on it.
        acc = self.client.request("ENRICH", domain="py-gone.com", modules=[SERVICE])
        self.assertEqual(acc.command, "ACCEPTED")
        st = self.client.request("STATUS", job_id=acc["job_id"])
        self.assertEqual(st["modules"][SERVICE]["status"], "ready")


if __name__ == "__main__":
    h.run_tests()
