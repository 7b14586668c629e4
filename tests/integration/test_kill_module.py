"""test_kill_module.py — kill -9 a module instance in the middle of a 1,000-domain batch.

Two instances serve each of the fifteen modules.  Once some (not all) jobs
of the batch have completed, one instance of technology_stack — made the
batch's bottleneck, so both its instances are full — is killed with SIGKILL.
The coordinator must notice, re-dispatch what the instance held to the
surviving one, and still finish every job; and every (job, module) result
must be taken exactly once: exactly one module.completed tap event per
(job, module), and RESULTS of every job holds all fifteen modules.
"""

import collections
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

DOMAINS = 1000
# Scale of the simulated durations: a module takes its design estimate
# times this (competitor_intelligence, the longest, 80 ms).
SIMULATE = 0.004
MAX_CONCURRENCY = 200
VICTIM = "technology_stack"
# The victim's scale: 15 s * 0.01 = 150 ms a task; 2 instances x 16 credits
# take the batch's 1,000 tasks in about 5 s, long enough to kill mid-way.
VICTIM_SIMULATE = 0.01
# Kill after this many jobs completed (of DOMAINS).
KILL_AFTER = 150
# Liveness: a silent instance is dead after HEARTBEAT_MS * LIVENESS.  The
# kill itself is noticed sooner (the coordinator's next send to the dead
# peer fails); a window of 2 s keeps a loaded sanitizer run (31 processes on
# two cores) from declaring live peers dead.
HEARTBEAT_MS = 500
LIVENESS = 4
TAP_HWM = 1000000
BATCH_TIMEOUT_S = 150.0
FINAL_EVENTS = ("job.completed", "job.partial", "job.failed", "job.cancelled")


class KillModuleTest(unittest.TestCase):
    def test_kill_one_instance_mid_batch(self):
        c = h.Constellation(simulate=SIMULATE, instances=2, coordinator_args=[
            "--tap-hwm", str(TAP_HWM), "--heartbeat-ms", str(HEARTBEAT_MS),
            "--liveness", str(LIVENESS), "--batch-max", str(DOMAINS)],
            modules=[m for m in h.MODULES if m != VICTIM])
        try:
            c.start(warm=False)
            # The victim's module is the batch's bottleneck, so both its
            # instances are always full: the kill takes work down with it.
            for i in range(2):
                c.start_module(VICTIM, i, simulate=VICTIM_SIMULATE)
            c.warm_up()
            self.run_batch(c)
        finally:
            c.stop()
        bad = c.unclean_exits()
        self.assertFalse(bad, "unclean exits: %s\n%s" % (bad, c.logs()))

    def run_batch(self, c):
        client = c.client()
        tap = c.tap()
        tap.sync(client)

        domains = ["kill-test-%04d.com" % i for i in range(DOMAINS)]
        acc = client.request("BATCH", domains=domains, max_concurrency=MAX_CONCURRENCY)
        self.assertEqual(acc.command, "ACCEPTED", acc)
        self.assertEqual(acc["rejected"], [])
        job_ids = acc["job_ids"]
        self.assertEqual(len(job_ids), DOMAINS)
        jobs = set(job_ids)

        # Counts final job events incrementally: the predicate runs on every
        # batch of tap events, and a batch brings ~70,000 of them.
        seen = {"index": 0, "final": 0}

        def finished_count(events):
            for topic, body, _ in events[seen["index"]:]:
                if topic in FINAL_EVENTS and body.get("job_id") in jobs:
                    seen["final"] += 1
            seen["index"] = len(events)
            return seen["final"]

        tap.wait_for(lambda evs: finished_count(evs) >= KILL_AFTER, BATCH_TIMEOUT_S,
                     "%d jobs finished" % KILL_AFTER)
        victim = next(p for p in c.actors if p.name == VICTIM + "-0")
        self.assertTrue(victim.alive(), c.logs())
        # Taken before the signal: the coordinator may notice the death (and
        # the tap report it) before wait() below returns.
        killed_at = time.monotonic()
        victim.signal_group(signal.SIGKILL)
        victim.popen.wait(30)
        victim.expected_rc = (-signal.SIGKILL,)
        done_at_kill = tap.wait_for(finished_count, 1.0, "count")
        self.assertLess(done_at_kill, DOMAINS,
                        "the batch finished before the kill; lower SIMULATE's speed-up")

        tap.wait_for(lambda evs: finished_count(evs) >= DOMAINS, BATCH_TIMEOUT_S,
                     "all %d jobs final (tap)" % DOMAINS)
        events = tap.snapshot()
        self.assertFalse(tap.errors, tap.errors)

        # Every job completed.
        finals = collections.Counter()
        for topic, body, _ in events:
            if topic in FINAL_EVENTS and body.get("job_id") in jobs:
                finals[(topic, body["job_id"])] += 1
        self.assertEqual(sorted(set(t for t, _ in finals)), ["job.completed"], finals)
        self.assertEqual(len(finals), DOMAINS)
        self.assertEqual(max(finals.values()), 1)

        # Each (job, module) result was taken exactly once.
        completed = collections.Counter(
            (body["job_id"], body["module"]) for topic, body, _ in events
            if topic == "module.completed" and body.get("job_id") in jobs)
        expected = {(j, m) for j in jobs for m in h.MODULES}
        missing = expected - set(completed)
        self.assertFalse(missing, "no module.completed for %d (job, module) pairs, e.g. %s"
                         % (len(missing), sorted(missing)[:5]))
        twice = {k: n for k, n in completed.items() if n != 1}
        self.assertFalse(twice, "results taken more than once: %s" % list(twice.items())[:10])

        # The coordinator saw the instance go and took back what it held.
        lost = [e for e in events if e[0] == "actor.lost"
                and e[1].get("instance") == VICTIM + "-0" and e[2] > killed_at]
        self.assertEqual(len(lost), 1, lost)
        self.assertEqual(lost[0][1]["service"], VICTIM)
        retried = [e for e in events if e[0] == "module.retried" and e[1].get("module") == VICTIM
                   and e[1].get("job_id") in jobs and e[2] > killed_at]
        self.assertTrue(retried, "the killed instance held no work: nothing was re-dispatched")

        # The survivor carried on: the victim's module kept completing after the kill.
        after_kill = [e for e in events if e[0] == "module.completed"
                      and e[1].get("module") == VICTIM and e[2] > killed_at]
        self.assertTrue(after_kill)

        # STATUS of the batch agrees.
        st = client.request("STATUS", batch_id=acc["batch_id"])
        self.assertEqual(st.command, "STATUS", st)
        self.assertEqual((st["total"], st["completed"]), (DOMAINS, DOMAINS), st.body)

        # RESULTS of every job holds all fifteen modules (pipelined).
        pending = {}
        for job_id in job_ids:
            pending[client.submit("RESULTS", job_id=job_id)] = job_id
        for req_id, job_id in pending.items():
            res = client.recv_for(req_id, 60)
            self.assertEqual(res.command, "RESULT", res)
            self.assertEqual(res["job_id"], job_id)
            self.assertEqual(res["status"], "completed")
            self.assertEqual(set(res["results"]), set(h.MODULES))
            for name, result in res["results"].items():
                self.assertEqual(result["inputs"], sorted(h.UPSTREAM[name]))
        print("killed %s-0 after %d of %d jobs; %d tasks re-dispatched; all completed"
              % (VICTIM, done_at_kill, DOMAINS, len(retried)))


if __name__ == "__main__":
    h.run_tests()
