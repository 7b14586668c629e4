"""test_chaos.py — faults during a 1,000-job batch: every job still ends right.

Each scenario starts its own coordinator and two instances of each of the
fifteen module actors (simulated workload; technology_stack, the victim
module, made slow enough to be the batch's bottleneck), submits one BATCH of
the same 1,000 domains, injects faults once some — not all — of its jobs
have finished, and then insists:

* every accepted job reaches a final state: batch STATUS counts 1,000
  completed, names the 1,000 job ids it accepted (none lost), and STATUS and
  RESULTS of each job say completed with all fifteen modules;
* none is duplicated: at most one final tap event per job, no
  (job, module, attempt) started twice, no (job, module) completed twice;
* each job's RESULTS map equals, after msgpack decoding, the one a
  fault-free run produced for the same domain (setUpClass runs it once);
* STATUS `attempts` of every module equals the attempt whose
  module.completed the tap showed.

The scenarios:

1. kill -9 one of technology_stack's two instances: actor.lost, its work
   re-dispatched (module.retried), the survivor finishes.
2. technology_stack has a single instance; kill -9 it.  Jobs wait: once
   everything that does not need it has drained, its work stays `ready`
   and nothing fails or is retried for longer than --module-timeout-ms
   (a dispatched attempt would time out within it).  Restarted (same
   instance id), it joins again and every job completes.
3. SIGSTOP one technology_stack instance: missed heartbeats make it
   actor.lost and its work moves to the other (module.retried).  SIGCONT:
   it joins again (actor.joined); the other instance is then drained
   (SIGTERM) so the rest of technology_stack's work can only be done by the
   one that was stopped.  No (job, module) completes twice: its late
   results are dropped.
4. kill -9 the coordinator and restart it on the same endpoints and data
   directory (the durable store): the batch id and its job ids still
   answer; a module that completed before the kill (module.completed seen)
   is never started again (no module.started after the restart, and STATUS
   attempts unchanged), and jobs finished before the kill do not finish
   again.  Around the kill, single ENRICHes with idempotency keys: 25
   answered before it, 25 sent without waiting just before it; retried
   with the same keys afterwards, each answered one names the same job
   (existing), no key makes two jobs, and all complete.
5. kill -9 the coordinator and every module actor at once and start them
   all again: the same checks as 4 (without the keyed ENRICHes).

Long variant: PF_CHAOS_LONG=1 in the environment runs 10,000 jobs per
scenario (and in the fault-free baseline) and repeats each fault at three
points of the batch (a killed or stopped instance is brought back before
the next round).  It takes about 7 minutes in a plain build on two cores,
longer than the CTest timeout, so run the file directly:

    PF_CHAOS_LONG=1 PF_BIN=build/bin/pf /usr/bin/python3 tests/integration/test_chaos.py

Liveness is --heartbeat-ms 500 --liveness 4 (2 s): quick to notice a
stopped actor, yet loose enough that a loaded sanitizer run on two cores
does not declare live peers dead.  PF_TEST_KEEP_TMP=1 keeps every
process's log (the harness prints where).
"""

import collections
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

LONG = os.environ.get("PF_CHAOS_LONG", "") not in ("", "0")
DOMAINS = 10000 if LONG else 1000
DOMAIN_LIST = ["chaos-%05d.partnerforge-test.com" % i for i in range(DOMAINS)]
# Fault points, as fractions of the batch's jobs finished (the tap's count).
ROUNDS = (0.15, 0.4, 0.65) if LONG else (0.2,)

# Scale of the simulated durations: a module takes its design estimate times
# this (competitor_intelligence, the longest, 80 ms).
SIMULATE = 0.004
INSTANCES = 2
MAX_CONCURRENCY = 200
# The victim and its scale: 15 s x 0.01 = 150 ms a task.  Two instances of
# 16 credits take 1,000 tasks in about 5 s, and it bounds the batch, so its
# instances are always full when a fault strikes.
VICTIM = "technology_stack"
VICTIM_SIMULATE = 0.01
# Modules of a job that need no result of the victim's, directly or not.
INDEPENDENT = [m for m in h.MODULES if VICTIM not in h.closure([m])]
# The fault-free run: one instance of each module, no waiting.
BASELINE_SIMULATE = 0

HEARTBEAT_MS = 500
LIVENESS = 4
# Scenario 2: the window in which nothing may fail while the victim module
# has no instance must outlast one attempt's deadline.
WAIT_TIMEOUT_MS = 2000
TAP_HWM = 10000000
# Only what the checks read (module.ready would double the volume).
TAP_TOPICS = ("job.", "module.started", "module.completed", "module.retried",
              "module.failed", "module.skipped", "actor.")
FINAL_EVENTS = ("job.completed", "job.partial", "job.failed", "job.cancelled")

BATCH_TIMEOUT_S = 600.0 if LONG else 200.0
EVENT_TIMEOUT_S = 60.0
# Scenario 4: single ENRICHes sent right before each coordinator kill, and
# how long to wait for a further reply to one of them after the kill.
IN_FLIGHT = 50
COLLECT_S = 0.5
# STATUS/RESULTS requests in flight at once (well under the sockets' HWM).
PIPELINE_WINDOW = 200
# Step of the batch STATUS poll, seconds.
STATUS_POLL_S = 0.25


def coordinator_args(extra=()):
    return ["--tap-hwm", str(TAP_HWM), "--heartbeat-ms", str(HEARTBEAT_MS),
            "--liveness", str(LIVENESS), "--batch-max", str(DOMAINS)] + list(extra)


def pipelined(client, command, bodies, timeout=EVENT_TIMEOUT_S):
    """Sends one request per body (a dict of fields), PIPELINE_WINDOW at a
    time; returns the replies in the order of bodies."""
    replies = [None] * len(bodies)
    inflight = {}
    todo = iter(enumerate(bodies))
    done = False
    while not done or inflight:
        while not done and len(inflight) < PIPELINE_WINDOW:
            item = next(todo, None)
            if item is None:
                done = True
                break
            inflight[client.submit(command, **item[1])] = item[0]
        if inflight:
            req_id = next(iter(inflight))
            replies[inflight.pop(req_id)] = client.recv_for(req_id, timeout)
    return replies


def expected_result(module, domain):
    """What pf_simulate answers: a pure function of (module, domain, inputs)."""
    return {"module": module, "domain": domain, "simulated": True,
            "inputs": sorted(h.UPSTREAM[module])}


class Batch:
    """One BATCH under test: its client, tap, ids and the tap's progress."""

    def __init__(self, test, c):
        self.test = test
        self.c = c
        self.client = c.client()
        self.tap = c.tap(TAP_TOPICS)
        self.tap.sync(self.client)
        acc = self.client.request("BATCH", domains=DOMAIN_LIST, max_concurrency=MAX_CONCURRENCY)
        test.assertEqual(acc.command, "ACCEPTED", acc)
        test.assertEqual(acc["rejected"], [])
        self.batch_id = acc["batch_id"]
        self.job_ids = acc["job_ids"]
        test.assertEqual(len(self.job_ids), DOMAINS)
        test.assertEqual(len(set(self.job_ids)), DOMAINS)
        self.domain_of = dict(zip(self.job_ids, DOMAIN_LIST))
        # Wall clocks (time.time()) after which a restarted coordinator
        # published: its events have a later `ts` than the mark.
        self.restarts = []
        self._seen = {"index": 0, "final": 0}

    # -- progress --------------------------------------------------------
    def _finished(self, events):
        # Counted incrementally: the predicate runs on every batch of tap
        # events, and a run brings tens of thousands of them.
        seen = self._seen
        for topic, body, _ in events[seen["index"]:]:
            if topic in FINAL_EVENTS and body.get("job_id") in self.domain_of:
                seen["final"] += 1
        seen["index"] = len(events)
        return seen["final"]

    def finished(self):
        """Final job events of the batch the tap has shown so far."""
        return self._finished(self.tap.snapshot())

    def wait_finished(self, n):
        """Waits until the tap has shown n final job events of the batch."""
        return self.tap.wait_for(lambda evs: self._finished(evs) >= n, BATCH_TIMEOUT_S,
                                 "%d jobs of the batch final (tap)" % n)

    def wait_event(self, what, predicate, after, timeout=EVENT_TIMEOUT_S):
        """The first tap event received after monotonic time `after` for
        which predicate(topic, body) holds."""
        def find(events):
            for topic, body, at in events:
                if at > after and predicate(topic, body):
                    return (topic, body, at)
            return None
        return self.tap.wait_for(find, timeout, what)

    def status(self):
        st = self.client.request("STATUS", batch_id=self.batch_id)
        self.test.assertEqual(st.command, "STATUS", st)
        return st

    def wait_all_final(self):
        """Polls batch STATUS until every job is final (the tap may have
        missed events while a coordinator was down); then makes sure the tap
        has delivered everything published so far."""
        deadline = time.monotonic() + BATCH_TIMEOUT_S
        while True:
            st = self.status()
            final = sum(st[k] for k in h.JOB_FINAL)
            if final == DOMAINS:
                break
            if time.monotonic() >= deadline:
                raise TimeoutError("batch not final after %.0fs: %r\n%s"
                                   % (BATCH_TIMEOUT_S, st.body, self.c.logs()))
            time.sleep(STATUS_POLL_S)
        # Events of one publisher arrive in order: once the sync job's
        # job.accepted is here, so is every event before it.
        self.tap.sync(self.client)
        return st

    def reconnect(self):
        """A new client after a coordinator restart (a request in flight
        on the old connection would be lost)."""
        self.client = self.c.client()

    # -- checks ----------------------------------------------------------
    def epoch(self, body):
        """Which coordinator published an event: 0 the first, k after the
        k-th restart."""
        ts = body.get("ts", 0.0) / 1000.0
        return sum(1 for mark in self.restarts if ts > mark)

    def check(self, baseline):
        """Every check of the module docstring; returns the tap's events."""
        t = self.test
        st = self.wait_all_final()
        events = self.tap.snapshot()
        t.assertFalse(self.tap.errors, self.tap.errors)

        # None lost: the batch still names exactly the jobs it accepted,
        # all completed.
        t.assertEqual(st["total"], DOMAINS, st.body)
        t.assertEqual(st["completed"], DOMAINS, st.body)
        t.assertEqual(st["job_ids"], self.job_ids)

        mine = [(topic, body) for topic, body, _ in events
                if body.get("job_id") in self.domain_of]
        # No job ended twice, none ended other than completed.
        finals = collections.Counter((topic, body["job_id"]) for topic, body in mine
                                     if topic in FINAL_EVENTS)
        t.assertEqual({topic for topic, _ in finals} - {"job.completed"}, set(), finals)
        twice = [k for k, n in finals.items() if n > 1]
        t.assertFalse(twice, "jobs ended more than once: %s" % twice[:10])
        bad = [(topic, body) for topic, body in mine
               if topic in ("module.failed", "module.skipped")]
        t.assertFalse(bad, "modules failed or skipped: %s" % bad[:10])

        # No attempt started twice; no result taken twice.
        started = collections.Counter((b["job_id"], b["module"], b["attempt"])
                                      for topic, b in mine if topic == "module.started")
        again = [k for k, n in started.items() if n > 1]
        t.assertFalse(again, "attempts started more than once: %s" % again[:10])
        completed, dup = {}, []
        for topic, body in mine:
            if topic == "module.completed":
                key = (body["job_id"], body["module"])
                if key in completed:
                    dup.append(body)
                completed[key] = (body["attempt"], self.epoch(body))
        t.assertFalse(dup, "%d results taken twice, e.g. %s" % (len(dup), dup[:5]))
        if not self.restarts:
            # One coordinator saw everything: every result was taken once.
            missing = {(j, m) for j in self.job_ids for m in h.MODULES} - set(completed)
            t.assertFalse(missing, "no module.completed for %d (job, module) pairs, e.g. %s"
                          % (len(missing), sorted(missing)[:5]))
        else:
            # Nothing that completed under one coordinator was started again
            # (or ended again) under a later one.
            rerun = [(topic, body) for topic, body in mine
                     if topic in ("module.started", "module.completed")
                     and (body["job_id"], body["module"]) in completed
                     and self.epoch(body) > completed[(body["job_id"], body["module"])][1]]
            t.assertFalse(rerun, "completed modules run again after a restart: %s" % rerun[:10])
            job_end = {body["job_id"]: self.epoch(body) for topic, body in mine
                       if topic in FINAL_EVENTS}
            reended = [(topic, body) for topic, body in mine
                       if topic in ("job.started",) + FINAL_EVENTS
                       and self.epoch(body) > job_end.get(body["job_id"], len(self.restarts))]
            t.assertFalse(reended, "finished jobs went on after a restart: %s" % reended[:10])

        # Each job: STATUS completed with every module completed, attempts
        # as the tap showed them; RESULTS equal to the fault-free run's.
        statuses = pipelined(self.client, "STATUS", [{"job_id": j} for j in self.job_ids])
        results = pipelined(self.client, "RESULTS", [{"job_id": j} for j in self.job_ids])
        for job_id, st_job, res in zip(self.job_ids, statuses, results):
            t.assertEqual(st_job.command, "STATUS", st_job)
            t.assertEqual(st_job["status"], "completed", st_job.body)
            t.assertEqual(set(st_job["modules"]), set(h.MODULES))
            for name, mod in st_job["modules"].items():
                t.assertEqual(mod["status"], "completed", (job_id, name, mod))
                if (job_id, name) in completed:
                    t.assertEqual(mod["attempts"], completed[(job_id, name)][0],
                                  "%s %s: attempts %d, completed as attempt %d"
                                  % (job_id, name, mod["attempts"],
                                     completed[(job_id, name)][0]))
            t.assertEqual(res.command, "RESULT", res)
            t.assertEqual(res["job_id"], job_id)
            t.assertEqual(res["status"], "completed")
            t.assertEqual(set(res["completed_modules"]), set(h.MODULES))
            t.assertEqual((res["failed_modules"], res["skipped_modules"],
                           res["pending_modules"]), ([], [], []))
            t.assertEqual(res["results"], baseline[self.domain_of[job_id]],
                          "%s (%s) differs from the fault-free run"
                          % (job_id, self.domain_of[job_id]))
        return events


class InFlight:
    """Single ENRICH jobs with idempotency keys around a coordinator crash:
    the first half answered before it, the second half sent just before
    it without waiting.  All are retried with the same keys once it is
    back.  An ACCEPTED that arrived before the crash must name a job the
    restarted coordinator still has; no key makes two jobs."""

    def __init__(self, test, c, tag):
        self.test = test
        self.client = c.client()
        self.keys = ["chaos-idem-%s-%03d" % (tag, i) for i in range(IN_FLIGHT)]
        self.acked = {}
        self.job_ids = {}
        half = len(self.keys) // 2
        answered = pipelined(self.client, "ENRICH", [self.body(k) for k in self.keys[:half]])
        for key, reply in zip(self.keys, answered):
            test.assertEqual(reply.command, "ACCEPTED", reply)
            self.acked[key] = reply["job_id"]
        self.by_req = {}
        for key in self.keys[half:]:
            self.by_req[self.client.submit("ENRICH", **self.body(key))] = key

    @staticmethod
    def body(key):
        return {"domain": key + ".partnerforge-test.com", "idempotency_key": key}

    def collect(self):
        """Takes the replies that made it out before the crash (the process
        has exited: they are in our socket already, or never come)."""
        while True:
            frames = self.client.recv_frames(COLLECT_S)
            if frames is None:
                # Nothing unsent may reach the restarted coordinator: the
                # retry alone speaks for the client.
                self.client.close()
                return
            reply = self.client.parse(frames)
            key = self.by_req.get(reply.get("req_id"))
            self.test.assertIsNotNone(key, reply)
            self.test.assertEqual(reply.command, "ACCEPTED", reply)
            self.acked[key] = reply["job_id"]

    def retry(self, c):
        """Sends every key again; returns how many were found existing."""
        client = c.client()
        replies = pipelined(client, "ENRICH", [self.body(k) for k in self.keys])
        existing = 0
        for key, reply in zip(self.keys, replies):
            self.test.assertEqual(reply.command, "ACCEPTED", reply)
            if key in self.acked:
                self.test.assertEqual(reply["job_id"], self.acked[key],
                                      "acknowledged before the crash, gone after it")
                self.test.assertTrue(reply.get("existing"), reply.body)
            existing += bool(reply.get("existing"))
            self.job_ids[key] = reply["job_id"]
        self.test.assertEqual(len(set(self.job_ids.values())), len(self.keys))
        return existing

    def check(self, client):
        """Every job of a key completes, with the simulated results."""
        deadline = time.monotonic() + BATCH_TIMEOUT_S
        todo = dict(self.job_ids)
        while todo:
            replies = pipelined(client, "RESULTS", [{"job_id": j} for j in todo.values()])
            for key, res in list(zip(todo, replies)):
                if res.command == "ERROR" and res["code"] == "not_ready":
                    continue
                self.test.assertEqual(res.command, "RESULT", res)
                self.test.assertEqual(res["status"], "completed", res.body)
                domain = self.body(key)["domain"]
                self.test.assertEqual(res["results"],
                                      {m: expected_result(m, domain) for m in h.MODULES})
                del todo[key]
            if todo and time.monotonic() >= deadline:
                raise TimeoutError("%d keyed jobs not final" % len(todo))
            if todo:
                time.sleep(STATUS_POLL_S)


class ChaosTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        """The fault-free run: RESULTS of every domain, keyed by domain."""
        started = time.monotonic()
        c = h.Constellation(simulate=BASELINE_SIMULATE, instances=1,
                            coordinator_args=coordinator_args())
        try:
            c.start()
            client = c.client()
            acc = client.request("BATCH", domains=DOMAIN_LIST, max_concurrency=MAX_CONCURRENCY)
            if acc.command != "ACCEPTED" or len(acc["job_ids"]) != DOMAINS:
                raise AssertionError("baseline BATCH answered %r" % (acc,))
            deadline = time.monotonic() + BATCH_TIMEOUT_S
            while True:
                st = client.request("STATUS", batch_id=acc["batch_id"])
                if st["completed"] == DOMAINS:
                    break
                if sum(st[k] for k in h.JOB_FINAL) == DOMAINS or time.monotonic() > deadline:
                    raise AssertionError("baseline batch did not complete: %r\n%s"
                                         % (st.body, c.logs()))
                time.sleep(STATUS_POLL_S)
            replies = pipelined(client, "RESULTS", [{"job_id": j} for j in acc["job_ids"]])
            cls.baseline = {}
            for domain, res in zip(DOMAIN_LIST, replies):
                if res.command != "RESULT" or res["status"] != "completed":
                    raise AssertionError("baseline RESULTS %r" % (res,))
                cls.baseline[domain] = res["results"]
        finally:
            c.stop()
        bad = c.unclean_exits()
        if bad:
            raise AssertionError("baseline: unclean exits: %s\n%s" % (bad, c.logs()))
        print("\nfault-free baseline: %d jobs in %.1fs" % (DOMAINS, time.monotonic() - started))

    def setUp(self):
        self.started = time.monotonic()

    def constellation(self, victim_instances=INSTANCES, extra_args=()):
        """Every module but the victim at SIMULATE, the victim slower; all
        warmed up."""
        c = h.Constellation(simulate=SIMULATE, instances=INSTANCES,
                            coordinator_args=coordinator_args(extra_args),
                            modules=[m for m in h.MODULES if m != VICTIM])
        c.start(warm=False)
        try:
            for i in range(victim_instances):
                c.start_module(VICTIM, i, simulate=VICTIM_SIMULATE)
            c.warm_up()
        except BaseException:
            c.stop()
            raise
        return c

    def assert_clean(self, c):
        """After stop(): every process exited as expected (a sanitizer
        report makes a non-zero status)."""
        bad = c.unclean_exits()
        self.assertFalse(bad, "unclean exits: %s\n%s" % (bad, c.logs()))
        print("%s: %.1fs" % (self._testMethodName, time.monotonic() - self.started))

    def victim(self, c, index):
        return next(p for p in c.actors if p.name.split("~")[0] == "%s-%d" % (VICTIM, index))

    def at_round(self, b, fraction):
        """Waits for the round's fault point; returns the jobs finished."""
        b.wait_finished(int(DOMAINS * fraction))
        return b.finished()

    def assert_mid_batch(self, done):
        self.assertLess(done, DOMAINS, "the batch finished before the fault; slow it down")

    def test_baseline_is_the_simulated_function(self):
        """The reference itself: every module's result as pf_simulate defines it."""
        for domain in DOMAIN_LIST:
            self.assertEqual(self.baseline[domain],
                             {m: expected_result(m, domain) for m in h.MODULES}, domain)

    # -- 1 ---------------------------------------------------------------
    def test_1_kill_one_instance(self):
        c = self.constellation()
        try:
            b = Batch(self, c)
            for n, fraction in enumerate(ROUNDS):
                self.at_round(b, fraction)
                proc = self.victim(c, n % INSTANCES)
                self.assertTrue(proc.alive())
                killed_at = time.monotonic()
                c.kill(proc)
                self.assert_mid_batch(b.finished())
                lost = b.wait_event("actor.lost of %s" % proc.name, lambda t, e: (
                    t == "actor.lost" and e["instance"] == proc.name.split("~")[0]), killed_at)
                self.assertEqual(lost[1]["service"], VICTIM)
                b.wait_event("its work re-dispatched", lambda t, e: (
                    t == "module.retried" and e.get("module") == VICTIM
                    and e.get("job_id") in b.domain_of), killed_at)
                if n + 1 < len(ROUNDS):
                    c.restart_module(proc)
            b.check(self.baseline)
        finally:
            c.stop()
        self.assert_clean(c)

    # -- 2 ---------------------------------------------------------------
    def test_2_kill_last_instance_then_restart(self):
        c = self.constellation(victim_instances=1,
                               extra_args=["--module-timeout-ms", str(WAIT_TIMEOUT_MS)])
        try:
            b = Batch(self, c)
            for fraction in ROUNDS:
                self.at_round(b, fraction)
                proc = self.victim(c, 0)
                killed_at = time.monotonic()
                c.kill(proc)
                b.wait_event("actor.lost of the last %s" % VICTIM, lambda t, e: (
                    t == "actor.lost" and e["service"] == VICTIM), killed_at)
                self.check_jobs_wait(b)
                restarted_at = time.monotonic()
                c.restart_module(proc)
                b.wait_event("%s joined again" % VICTIM, lambda t, e: (
                    t == "actor.joined" and e["service"] == VICTIM), restarted_at)
            b.check(self.baseline)
        finally:
            c.stop()
        self.assert_clean(c)

    def check_jobs_wait(self, b):
        """With no instance of the victim, jobs drain everything that does
        not need it and then wait: no job can end (each needs the victim),
        nothing fails, nothing of the victim's is retried or started for
        longer than an attempt's deadline; its work is `ready`."""
        def drained(events):
            # Started, unfinished jobs are all stuck once none of them has
            # the victim's result and each has every module without it.
            started, final, done = set(), set(), set()
            for topic, body, _ in events:
                job = body.get("job_id")
                if job not in b.domain_of:
                    continue
                if topic == "job.started":
                    started.add(job)
                elif topic in FINAL_EVENTS:
                    final.add(job)
                elif topic == "module.completed":
                    done.add((job, body["module"]))
            waiting = started - final
            stuck = all((j, m) in done for j in waiting for m in INDEPENDENT) and \
                not any((j, VICTIM) in done for j in waiting)
            return waiting if stuck else None
        waiting = b.tap.wait_for(drained, EVENT_TIMEOUT_S, "the jobs to drain")
        self.assertTrue(waiting, "no job left waiting for %s" % VICTIM)
        self.assertLessEqual(len(waiting), MAX_CONCURRENCY)

        # Absence of failures is only seen by waiting: long enough for any
        # attempt dispatched to nobody to have timed out.
        window_from = time.monotonic()
        window = (WAIT_TIMEOUT_MS + 2 * HEARTBEAT_MS) / 1000.0
        try:
            hit = b.wait_event("a failure while waiting", lambda t, e: (
                e.get("job_id") in b.domain_of and (
                    t in FINAL_EVENTS or t in ("module.failed", "module.skipped")
                    or (t.startswith("module.") and e["module"] == VICTIM))),
                window_from, timeout=window)
        except TimeoutError:
            hit = None
        self.assertIsNone(hit, "while %s had no instance: %r" % (VICTIM, hit))

        st = b.status()
        self.assertEqual(st["failed"] + st["partial"] + st["cancelled"], 0, st.body)
        self.assertEqual(st["running"], len(waiting), st.body)
        replies = pipelined(b.client, "STATUS", [{"job_id": j} for j in sorted(waiting)])
        for reply in replies:
            self.assertEqual(reply["status"], "running", reply.body)
            mods = reply["modules"]
            self.assertEqual(mods[VICTIM]["status"], "ready", reply.body)
            for name in INDEPENDENT:
                self.assertEqual(mods[name]["status"], "completed", (name, reply.body))

    # -- 3 ---------------------------------------------------------------
    def test_3_sigstop_sigcont(self):
        c = self.constellation()
        try:
            b = Batch(self, c)
            for n, fraction in enumerate(ROUNDS):
                self.at_round(b, fraction)
                proc = self.victim(c, n % INSTANCES)
                name = proc.name.split("~")[0]
                stopped_at = time.monotonic()
                c.kill(proc, signal.SIGSTOP)
                try:
                    self.assert_mid_batch(b.finished())
                    lost = b.wait_event("actor.lost of stopped %s" % name, lambda t, e: (
                        t == "actor.lost" and e["instance"] == name), stopped_at)
                    self.assertIn("heartbeat", lost[1]["reason"])
                    b.wait_event("its work moved elsewhere", lambda t, e: (
                        t == "module.retried" and e.get("module") == VICTIM
                        and e.get("job_id") in b.domain_of), stopped_at)
                finally:
                    resumed_at = time.monotonic()
                    c.kill(proc, signal.SIGCONT)
                b.wait_event("%s joined again" % name, lambda t, e: (
                    t == "actor.joined" and e["instance"] == name), resumed_at)
            # The other instance leaves (drained): what is left of the
            # victim's work can only be done by the one that was stopped.
            other = self.victim(c, len(ROUNDS) % INSTANCES)
            other_name = other.name.split("~")[0]
            self.assertLess(b.finished(), DOMAINS, "the batch ended before the check")
            drained_at = time.monotonic()
            c.kill(other, signal.SIGTERM)
            left = b.wait_event("%s drained" % other_name, lambda t, e: (
                t == "actor.lost" and e["instance"] == other_name), drained_at)
            events = b.check(self.baseline)
            after = [e for e in events if e[0] == "module.completed" and e[2] > left[2]
                     and e[1]["module"] == VICTIM and e[1]["job_id"] in b.domain_of]
            self.assertTrue(after, "no %s result after %s left: the resumed instance "
                            "did no work" % (VICTIM, other_name))
        finally:
            c.stop()
        self.assert_clean(c)

    # -- 4 ---------------------------------------------------------------
    def test_4_kill_coordinator_then_restart(self):
        c = self.constellation()
        try:
            b = Batch(self, c)
            keyed = []
            for n, fraction in enumerate(ROUNDS):
                self.at_round(b, fraction)
                inflight = InFlight(self, c, "r%d" % n)
                c.kill(c.coordinator)
                self.assert_mid_batch(b.finished())
                inflight.collect()
                b.restarts.append(time.time())
                c.restart_coordinator()
                b.reconnect()
                st = b.status()
                self.assertEqual(st["job_ids"], b.job_ids)
                existing = inflight.retry(c)
                keyed.append(inflight)
                print("round %d: %d of %d keyed ENRICHes answered before the kill, "
                      "%d of them existing after it" % (n, len(inflight.acked), IN_FLIGHT,
                                                        existing))
            events = b.check(self.baseline)
            self.check_resumed(b, events)
            for inflight in keyed:
                inflight.check(b.client)
        finally:
            c.stop()
        self.assert_clean(c)

    def check_resumed(self, b, events):
        """Some jobs were caught half done by a restart (so resuming after
        their completed modules was exercised)."""
        per_job = collections.defaultdict(set)
        ended = set()
        for topic, body, _ in events:
            if b.epoch(body) != 0 or body.get("job_id") not in b.domain_of:
                continue
            if topic == "module.completed":
                per_job[body["job_id"]].add(body["module"])
            elif topic in FINAL_EVENTS:
                ended.add(body["job_id"])
        half = [j for j, mods in per_job.items() if j not in ended and len(mods) < len(h.MODULES)]
        self.assertTrue(half, "no job was half done at the first coordinator kill")
        print("%d jobs half done at the first kill, %d finished" % (len(half), len(ended)))

    # -- 5 ---------------------------------------------------------------
    def test_5_restart_everything(self):
        c = self.constellation()
        try:
            b = Batch(self, c)
            for fraction in ROUNDS:
                self.at_round(b, fraction)
                b.restarts.append(c.restart_all())
                self.assert_mid_batch(b.finished())
                b.reconnect()
                self.assertEqual(b.status()["job_ids"], b.job_ids)
            events = b.check(self.baseline)
            self.check_resumed(b, events)
        finally:
            c.stop()
        self.assert_clean(c)


if __name__ == "__main__":
    h.run_tests()
