#!/usr/bin/python3
"""test_cli_brief.py — the CLI face of the real modules, offline.

Starts `pf up` (no --simulate: the fifteen real module actors, the five
adapters and pf-fakeapi) on ports the kernel picked, waits until every
service has registered, then checks with the pf binary itself:

- `pf enrich nike.com --modules displacement_analysis` runs exactly
  displacement_analysis and its upstream closure — derived here from the
  graph table in modules/pf_graph.c, optional inputs included — and nothing
  else: the RESULT's module lists and the module.* tap events of the job;
  its Markdown form says the brief was not part of the job and summarises
  each module;
- `pf enrich` prints JSON when stdout is not a terminal, with the
  "synthetic" flag; --format md prints the brief with the synthetic notice
  first and last; --json with --format md is a usage error (exit 2);
- `pf results JOB` --brief, --brief --format json, --format md;
- `pf batch` writes one line per domain with the documented schema (and
  --full the whole RESULT plus "synthetic").
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

import zmq  # noqa: E402

PF = os.environ["PF_BIN"]
SOURCE = os.environ.get("PF_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
# Seconds for pf up to register every service, and for one pf command.
READY_S = 90
COMMAND_S = 180
# Keys of one `pf batch` line (docs/CLI.md, "pf batch").
BATCH_KEYS = {"domain", "job_id", "status", "duration_ms", "synthetic", "synthetic_modules",
              "modules", "failed_modules", "skipped_modules", "brief"}


def graph_inputs():
    """Module -> its inputs (required and optional), read from the table
    s_defs in modules/pf_graph.c."""
    with open(os.path.join(SOURCE, "modules", "pf_graph.c")) as f:
        text = f.read()
    table = text[text.index("s_defs[PF_MODULE_COUNT] = {"):]
    table = table[:table.index("\n};")]
    graph = {}
    for m in re.finditer(r'\{\s*"(\w+)",\s*\d+,\s*\d+,\s*\{(.*?)\}\s*\}', table, re.S):
        graph[m.group(1)] = re.findall(r'(?:REQ|OPT)\("(\w+)"\)', m.group(2))
    return graph



class CliBrief(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="pf-cli-brief-")
        cls.up = None
        cls.ctx = zmq.Context()
        try:
            cls._start()
        except BaseException:
            cls._stop()
            raise

    @classmethod
    def _start(cls):
        ports = set()
        while len(ports) < 3:
            ports.add(h.free_port())
        client, tap, actor = ("tcp://127.0.0.1:%d" % p for p in ports)
        data = os.path.join(cls.tmp, "data")
        os.mkdir(data)
        cls.env = dict(os.environ, PF_CLIENT_ENDPOINT=client, PF_TAP_ENDPOINT=tap,
                       PF_ACTOR_ENDPOINT=actor, PF_DATA_DIR=data)
        cls.tap_ep = tap
        cls.log = os.path.join(cls.tmp, "up.log")
        cls.up = h.Proc("up", [PF, "up"], cls.env, cls.log)

        # Every service pf up started ("N adapters and M module actors (K
        # modules x I)") has an instance that joined the coordinator.
        def ready():
            if not cls.up.alive():
                raise RuntimeError("pf up exited:\n" + cls.up.log_tail(60))
            with open(cls.log, errors="replace") as f:
                text = f.read()
            if "GIVING UP" in text:
                raise RuntimeError("pf up gave up on a child:\n" + cls.up.log_tail(60))
            m = re.search(r"started the coordinator, (\d+) adapters and \d+ module actors "
                          r"\((\d+) modules", text)
            joined = set(re.findall(r"coordinator: instance \S+ of (\w+) joined", text))
            return m and len(joined) >= int(m.group(1)) + int(m.group(2))
        h.wait_until(ready, READY_S, "every service of pf up to register")

    @classmethod
    def _stop(cls):
        """Stops pf up (SIGTERM to its group, SIGKILL after the grace
        period); returns its exit status and log tail."""
        rc, tail = None, ""
        if cls.up is not None:
            if cls.up.alive():
                cls.up.signal_group(signal.SIGTERM)
                try:
                    cls.up.popen.wait(h.STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    cls.up.signal_group(signal.SIGKILL)
                    cls.up.popen.wait(h.STOP_GRACE_S)
            rc, tail = cls.up.popen.returncode, cls.up.log_tail(40)
        cls.ctx.term()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        return rc, tail

    @classmethod
    def tearDownClass(cls):
        # A clean stop: pf up exits 0 after SIGTERM once every child has
        # (a sanitizer report in a child would make it fail).
        rc, tail = cls._stop()
        if rc != 0:
            raise AssertionError("pf up exited %s after SIGTERM:\n%s" % (rc, tail))

    def pf(self, *args, want=0):
        """Runs pf ARGS (stdout a pipe, not a terminal); insists on the exit
        status; returns stdout."""
        r = subprocess.run([PF] + list(args), env=self.env, capture_output=True, text=True,
                           timeout=COMMAND_S)
        self.assertEqual(r.returncode, want, "pf %s exited %d\nstdout: %s\nstderr: %s\n%s" % (
            " ".join(args), r.returncode, r.stdout[-3000:], r.stderr[-3000:],
            self.up.log_tail(20)))
        return r.stdout

    # ------------------------------------------------------------ the closure
    def test_displacement_closure(self):
        graph = graph_inputs()
        self.assertEqual(len(graph), 15, graph)
        # The harness's table of inputs is the graph's; its closure is then
        # the coordinator's.
        self.assertEqual({m: set(ins) for m, ins in graph.items()},
                         {m: set(ins) for m, ins in h.UPSTREAM.items()})
        want = h.closure(["displacement_analysis"])
        # What pf_graph.c says today (optional inputs included): a change to
        # the graph shows up here first.
        self.assertEqual(want, {"displacement_analysis", "technology_stack",
                                "competitor_intelligence", "company_context"})

        tap = h.Tap(self.ctx, self.tap_ep, ("module.", "job."))
        client = h.Client(self.ctx, self.env["PF_CLIENT_ENDPOINT"])
        try:
            tap.sync(client)
            d = json.loads(self.pf("enrich", "nike.com", "--modules", "displacement_analysis",
                                   "--json"))
            job = d["job_id"]
            self.assertEqual(d["status"], "completed")
            self.assertEqual(set(d["completed_modules"]), want)
            self.assertEqual(len(d["completed_modules"]), len(want))
            self.assertEqual((d["failed_modules"], d["skipped_modules"], d["pending_modules"]),
                             ([], [], []))
            self.assertEqual(set(d["results"]), want)
            # The tap: every module event of the job names a module of the
            # closure, and each of them completed.
            tap.wait_for(lambda evs: any(e[0] == "job.completed" and e[1].get("job_id") == job
                                         for e in evs), 30, "job.completed")
            events = [e for e in tap.for_job(job) if e[0].startswith("module.")]
            self.assertEqual({e[1]["module"] for e in events}, want, events)
            self.assertEqual({e[1]["module"] for e in events if e[0] == "module.completed"},
                             want)
        finally:
            client.close()
            tap.close()

        # Its Markdown: no brief (not part of the job), a table of the four
        # modules and each one's facts.
        md = self.pf("enrich", "nike.com", "--modules", "displacement_analysis", "--format", "md")
        self.assertIn("**No brief: the strategic signal brief was not part of this job.**", md)
        self.assertIn("4 of 4 modules completed.", md)
        for name in want:
            self.assertRegex(md, r"\n\| %s \| completed \| " % name)
            self.assertRegex(md, r"\n## %s( \(synthetic data\))?\n" % name)
        self.assertIn("- **ticker**: NKE\n", md)
        self.assertIn("- **cik**: 320187\n", md)
        self.assertNotIn("# Strategic signal brief", md)

    # ------------------------------------------------------------ enrich / results
    def test_enrich_and_results_forms(self):
        # Not a terminal: JSON by default, the whole RESULT plus "synthetic"
        # (stripe's competitors are synthesised by pf-fakeapi).
        d = json.loads(self.pf("enrich", "stripe.com"))
        job = d["job_id"]
        self.assertEqual(d["status"], "completed", d.get("failed_modules"))
        self.assertEqual(len(d["results"]), 15)
        self.assertIs(d["synthetic"], True)
        self.assertTrue(d["results"]["competitor_intelligence"]["synthetic"])

        md = self.pf("enrich", "stripe.com", "--format", "md")
        lines = md.rstrip("\n").split("\n")
        self.assertTrue(lines[0].startswith("> **SYNTHETIC DATA**: "), lines[0])
        self.assertEqual(lines[-1], lines[0])
        self.assertIn("competitor_intelligence", lines[0])
        self.assertIn("\n# Strategic signal brief: Stripe, Inc. (stripe.com)\n", md)
        self.assertRegex(md, r"\*\*Job\*\* job_[0-9a-f]{24} for stripe\.com: \*\*completed\*\* "
                             r"in [0-9.]+ s; 15 of 15 modules completed\.")

        self.pf("enrich", "stripe.com", "--json", "--format", "md", want=2)
        self.pf("enrich", "stripe.com", "--format", "xml", want=2)
        self.pf("results", job, "--format", "md", "--json", want=2)

        brief = self.pf("results", job, "--brief")
        self.assertTrue(brief.startswith("# Strategic signal brief: Stripe, Inc."), brief[:200])
        bj = json.loads(self.pf("results", job, "--brief", "--format", "json"))
        self.assertEqual(bj["data"]["markdown"], brief)
        self.assertTrue(bj["synthetic"])
        self.assertIn("headline", bj["data"])
        rmd = self.pf("results", job, "--format", "md")
        self.assertIn(brief, rmd)
        self.assertTrue(rmd.startswith("> **SYNTHETIC DATA**"))
        rj = json.loads(self.pf("results", job))
        self.assertIs(rj["synthetic"], True)
        self.assertEqual(rj["job_id"], job)

    # ------------------------------------------------------------ batch
    def test_batch_lines(self):
        domains = os.path.join(self.tmp, "domains.txt")
        with open(domains, "w") as f:
            f.write("# accounts\nstripe.com\nlocalhost\nnike.com\n")
        out = self.pf("batch", domains, want=1)    # localhost is rejected
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([l["domain"] for l in lines], ["stripe.com", "nike.com"])
        for line in lines:
            self.assertEqual(set(line), BATCH_KEYS, line.keys())
            self.assertEqual(line["status"], "completed", line["failed_modules"])
            self.assertEqual(len(line["modules"]), 15)
            self.assertEqual(set(line["modules"].values()), {"completed"})
            self.assertTrue(line["job_id"].startswith("job_"))
            self.assertIs(line["synthetic"], True)
            self.assertIn("competitor_intelligence", line["synthetic_modules"])
            self.assertTrue(line["brief"]["markdown"].startswith("# Strategic signal brief: "))
            self.assertIn("headline", line["brief"])
        self.assertEqual(lines[1]["brief"]["company"], "NIKE, Inc.")

        # --modules without the brief: brief null; --full: the whole RESULT.
        with open(domains, "w") as f:
            f.write("nike.com\n")
        line = json.loads(self.pf("batch", domains, "--modules", "company_context"))
        self.assertIsNone(line["brief"])
        self.assertEqual(line["modules"], {"company_context": "completed"})
        self.assertIs(line["synthetic"], False)     # nike's profile is a fixture
        full = json.loads(self.pf("batch", domains, "--modules", "company_context", "--full"))
        self.assertEqual(set(full["results"]), {"company_context"})
        self.assertIs(full["synthetic"], False)
        self.assertEqual(full["results"]["company_context"]["data"]["ticker"], "NKE")


if __name__ == "__main__":
    unittest.main(verbosity=2)
