#!/usr/bin/python3
"""test_pf_restart.py — `pf ps` and `pf restart NAME` against a live `pf up`.

One simulated `pf up` (pfp_harness.Constellation(use_up=True): free
loopback ports, a temporary data dir).  `pf ps` lists the coordinator and
the fifteen module actors, all running and children of `pf up`.
`pf restart company_context` gives it a new pid (seen by `pf ps`, not
counted as a crash restart); the tap shows actor.lost then actor.joined for
company_context; a whole job still completes afterwards.  `pf restart nope`
exits 1, a data dir without `pf up` exits 1, a second `pf up` on the same
data dir is refused, and `pf restart --wait` reports the new pid.  Every
process is stopped in the end, failure or not (the harness's stop()).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

SIMULATE = 0.01
# pf up's children, in start order: the coordinator, pf-fakeapi (no provider
# keys in the test environment), the five adapters, the fifteen modules.
PROVIDERS = ["builtwith", "similarweb", "yahoo_finance", "sec_edgar", "websearch"]
CHILDREN = 2 + len(PROVIDERS) + len(h.MODULES)
VICTIM = "company_context"
# Seconds one pf command may take (sanitizer builds are slow).
COMMAND_TIMEOUT_S = 60.0
# Seconds for the restarted actor to be replaced and to register again.
RESTART_TIMEOUT_S = 60.0


def parent_of(pid):
    """The parent pid of pid, from /proc (None once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces.
    return int(stat[stat.rfind(")") + 2:].split()[1])


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class RestartTest(unittest.TestCase):
    def test_ps_and_restart(self):
        c = h.Constellation(simulate=SIMULATE, use_up=True)
        try:
            c.start()
            self.c = c
            self.check_ps()
            self.check_restart()
            self.check_errors()
            self.check_restart_wait()
            self.check_second_up_refused()
            # Everything still up at the end.
            children = self.ps_json()
            self.assertEqual([ch["state"] for ch in children], ["running"] * CHILDREN, children)
        finally:
            c.stop()
        bad = c.unclean_exits()
        self.assertFalse(bad, "unclean exits: %s\n%s" % (bad, c.logs()))

    # -- helpers ---------------------------------------------------------
    def pf(self, *args, data_dir=None):
        argv = [h.PF_BIN] + list(args) + ["--data-dir", data_dir or self.c.data_dir]
        return subprocess.run(argv, capture_output=True, text=True, env=self.c.env(),
                              timeout=COMMAND_TIMEOUT_S)

    def ps_json(self):
        r = self.pf("ps", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        reply = json.loads(r.stdout)
        self.assertIs(reply["ok"], True)
        return reply["children"]

    def child(self, name):
        return next(ch for ch in self.ps_json() if ch["name"] == name)

    # -- the checks ------------------------------------------------------
    def check_ps(self):
        children = self.ps_json()
        names = [ch["name"] for ch in children]
        self.assertEqual(names[0], "coordinator")
        self.assertEqual(names[1], "fakeapi")
        self.assertEqual(names[2:7], PROVIDERS)
        self.assertEqual(sorted(names[7:]), sorted(h.MODULES))
        self.assertEqual(len(names), CHILDREN)
        up = self.c.supervisor.pid
        now_ms = time.time() * 1000
        for ch in children:
            self.assertEqual(ch["state"], "running", ch)
            self.assertEqual(ch["restarts"], 0, ch)
            self.assertGreater(ch["pid"], 0, ch)
            self.assertEqual(parent_of(ch["pid"]), up, "%s is not a child of pf up" % ch)
            self.assertLessEqual(ch["started_at"], now_ms + 1000, ch)
        r = self.pf("ps")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "PID", "STATE", "RESTARTS", "UPTIME"])
        self.assertEqual(len(lines), CHILDREN + 1, r.stdout)
        for line, ch in zip(lines[1:], children):
            self.assertEqual(line.split()[:4],
                             [ch["name"], str(ch["pid"]), "running", "0"], r.stdout)

    def check_restart(self):
        client = self.c.client()
        tap = self.c.tap(("actor.", "job.accepted"))
        tap.sync(client)
        old = self.child(VICTIM)["pid"]
        marked = len(tap.snapshot())

        r = self.pf("restart", VICTIM)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("%s: stopping pid %d" % (VICTIM, old), r.stdout)

        def replaced():
            ch = self.child(VICTIM)
            return ch if ch["state"] == "running" and ch["pid"] != old else None

        fresh = h.wait_until(replaced, RESTART_TIMEOUT_S, "a new %s process" % VICTIM)
        self.assertEqual(fresh["restarts"], 0, "an operator restart is not a crash restart")
        self.assertEqual(parent_of(fresh["pid"]), self.c.supervisor.pid)
        self.assertFalse(alive(old), "the old %s process is still there" % VICTIM)

        def lost_then_joined(events):
            lost = [i for i, e in enumerate(events) if i >= marked and e[0] == "actor.lost"
                    and e[1].get("service") == VICTIM]
            if not lost:
                return False
            return any(e[0] == "actor.joined" and e[1].get("service") == VICTIM
                       for e in events[lost[0] + 1:])

        tap.wait_for(lost_then_joined, RESTART_TIMEOUT_S,
                     "actor.lost then actor.joined for %s" % VICTIM)
        lost = next(e for e in tap.snapshot()[marked:] if e[0] == "actor.lost"
                    and e[1].get("service") == VICTIM)
        # It drained and said goodbye: a restart, not a crash.
        self.assertEqual(lost[1].get("reason"), "shutdown", lost)
        self.assertFalse(tap.errors, tap.errors)

        reply = client.request("ENRICH", timeout=RESTART_TIMEOUT_S, **{
            "domain": "after-restart.partnerforge-test.com", "modules": h.MODULES,
            "async": False})
        self.assertEqual(reply.command, "RESULT", reply)
        self.assertEqual(reply["status"], "completed", reply)
        self.assertEqual(set(reply["results"]), set(h.MODULES))

    def check_errors(self):
        r = self.pf("restart", "nope")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("no child named 'nope'", r.stderr)
        r = self.pf("restart")
        self.assertEqual(r.returncode, 2, r)
        r = self.pf("ps", "--bogus")
        self.assertEqual(r.returncode, 2, r)
        with tempfile.TemporaryDirectory(prefix="pf-no-up-") as empty:
            for args in (("ps",), ("restart", VICTIM)):
                r = self.pf(*args, data_dir=empty)
                self.assertEqual(r.returncode, 1, r)
                self.assertIn("no pf up is running with data dir %s" % empty, r.stderr)

    def check_restart_wait(self):
        name = "hiring_signals"
        old = self.child(name)["pid"]
        r = self.pf("restart", name, "--wait")
        self.assertEqual(r.returncode, 0, r.stderr)
        ch = self.child(name)
        self.assertNotEqual(ch["pid"], old)
        self.assertIn("%s: restarted (pid %d)" % (name, ch["pid"]), r.stdout)

    def check_second_up_refused(self):
        ports = ["tcp://127.0.0.1:%d" % h.free_port() for _ in range(3)]
        r = subprocess.run([h.PF_BIN, "up", "--simulate", str(SIMULATE), "--client", ports[0],
                            "--tap", ports[1], "--actor", ports[2], "--data-dir",
                            self.c.data_dir], capture_output=True, text=True,
                           env=self.c.env(), timeout=COMMAND_TIMEOUT_S)
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("another pf up (pid %d) is already running" % self.c.supervisor.pid,
                      r.stderr)
        # The first one still owns its control socket.
        self.assertEqual(len(self.ps_json()), CHILDREN)


if __name__ == "__main__":
    h.run_tests()
