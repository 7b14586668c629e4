"""test_module_strategic_signal_brief.py — the brief end to end, offline.

A coordinator, pf-fakeapi, the five adapters, the real modules that feed
the brief's facts here (company_context, technology_stack,
traffic_analysis, financial_profile, hiring_signals, strategic_context,
investor_intelligence, signal_scoring) and the other six inputs simulated
(`pf module NAME --simulate 0`).  ENRICH with modules
[strategic_signal_brief]: the brief names Nike, cites its latest 10-K
(fiscal 2025: form, filing date, accession, URL), carries every section, says
the seller profile is sample data, names each simulated input as such,
cites the providers its real inputs consulted and names every fact they
list as missing; the private stripe.com's brief names Stripe, Inc., says
its listing and financials are unknown because it is private and cites no
10-K; with the web search down, the inputs that failed are
named as not completed and the brief still answers.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

SECTIONS = ["## Why now", "## Who to talk to", "## What to say", "## Displacement angle",
            "## Proof points", "## Risks and unknowns", "## Sources"]
SIMULATED = ["executive_intelligence", "buying_committee", "competitor_intelligence",
             "displacement_analysis", "case_study_matching", "icp_priority_mapping"]
REAL = ["company_context", "technology_stack", "traffic_analysis", "financial_profile",
        "hiring_signals", "strategic_context", "investor_intelligence", "signal_scoring"]
# Generous for the test: traffic_analysis makes six SimilarWeb calls a job.
RPM = "6000"


class StrategicSignalBriefTest(mh.ModuleTest):
    MODULE = "strategic_signal_brief"
    UPSTREAM = REAL
    SIMULATED = SIMULATED
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch", "similarweb")
    ADAPTER_ARGS = {"websearch": ["--no-cache", "--retry-attempts", "1"],
                    "similarweb": ["--rpm", RPM]}
    FAKE_ARGS = ["--no-limits"]

    def brief(self, domain, statuses=("completed",)):
        reply = self.job(domain)
        self.assertIn(reply["status"], statuses, "%r\n%s" % (reply, self.c.logs()))
        results = reply["results"]
        r = results[self.MODULE]
        self.check_shape(r)
        return r, results

    def test_1_nike(self):
        r, results = self.brief("nike.com")
        d = r["data"]
        md = d["markdown"]
        name = results["company_context"]["data"]["name"]
        self.assertEqual(d["company"], name)
        self.assertTrue(md.startswith("# Strategic signal brief: %s (nike.com)" % name), md)
        self.assertTrue(d["headline"].startswith(name + ": "))
        for section in SECTIONS:
            self.assertIn(section, md)
        self.assertIn("Sample seller profile", md)
        self.assertTrue(d["sample_profile"])
        timing = results["signal_scoring"]["data"]["timing"]
        self.assertIn(timing.replace("_", " "), d["headline"])
        for module in SIMULATED:
            self.assertEqual(d["inputs"][module], "simulated")
            self.assertIn("%s was simulated" % module, md)
        for module in REAL:
            self.assertEqual(d["inputs"][module], "used")
        # Every provider call of a real input is cited, as a brief source too.
        cited = {(s["provider"], s["op"]) for s in r["sources"] if s["kind"] == "provider"}
        for module in REAL:
            for s in results[module]["sources"]:
                if s["kind"] == "provider":
                    self.assertIn((s["provider"], s["op"]), cited, module)
        # Every fact an input lists as missing is named (up to the cap).
        for module in REAL:
            for m in results[module]["missing"][:8]:
                self.assertIn("%s: %s unknown" % (module, m["field"]), md)
        synthetic = any(results[m]["synthetic"] for m in REAL)
        self.assertEqual(r["synthetic"], synthetic)
        self.assertEqual("Synthetic data" in md, synthetic)
        # The latest 10-K, as SEC EDGAR lists it (public record).
        k = d["latest_10k"]
        self.assertEqual((k["form"], k["filing_date"], k["report_date"], k["accession"]),
                         ("10-K", "2025-07-17", "2025-05-31", "0000320187-25-000047"))
        url = ("https://www.sec.gov/Archives/edgar/data/320187/000032018725000047/"
               "nke-20250531.htm")
        self.assertEqual(k["url"], url)
        self.assertEqual(self.source(r, "latest_10k"),
                         {"kind": "module", "module": "financial_profile"})
        self.assertIn("Latest annual report: 10-K for the fiscal year ended 2025-05-31, "
                      "filed 2025-07-17 (accession 0000320187-25-000047): " + url, md)
        # Amounts as a reader says them: Nike's fiscal 2025 revenue of
        # $46,309 million (10-K), three significant digits.
        self.assertIn("Revenue 46.3 billion USD in fiscal year 2025", md)

    def test_1c_stripe_private(self):
        r, results = self.brief("stripe.com")
        d = r["data"]
        md = d["markdown"]
        self.assertEqual(d["company"], "Stripe, Inc.")
        self.assertTrue(md.startswith("# Strategic signal brief: Stripe, Inc. (stripe.com)"), md)
        self.assertFalse(results["company_context"]["data"]["public"])
        for field in ("ticker", "cik"):
            self.assertIn("company_context: %s unknown — private company: no confirmed "
                          "listing" % field, md)
        self.assertIn("financial_profile: revenue_latest unknown — private company: no "
                      "public filings", md)
        self.assertNotIn("latest_10k", d)
        self.assertIsNone(self.reason(r, "latest_10k"))
        self.assertNotIn("Latest annual report", md)
        for section in SECTIONS:
            self.assertIn(section, md)

    def test_1b_pf_results_prints_the_brief(self):
        reply = self.job("costco.com")
        job_id = reply["job_id"]
        markdown = reply["results"][self.MODULE]["data"]["markdown"]

        def pf(*args):
            return subprocess.run([h.PF_BIN, "results", job_id] + list(args),
                                  capture_output=True, text=True, env=self.c.env(),
                                  timeout=60)
        r = pf("--brief")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.rstrip("\n"), markdown.rstrip("\n"))
        self.assertTrue(r.stdout.startswith("# Strategic signal brief"), r.stdout[:200])
        # --brief --json: the brief's whole module result (pf results --help).
        r = pf("--brief", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["data"]["markdown"], markdown)

    def test_2_websearch_down(self):
        self.fake.fault(provider="websearch", down=True)
        r, results = self.brief("nike.com", ("completed", "partial"))
        d = r["data"]
        for module in ("hiring_signals", "strategic_context"):
            self.assertNotIn(module, results)
            self.assertEqual(d["inputs"][module], "absent")
            self.assertIn("%s did not complete" % module, d["markdown"])
        self.assertEqual(d["inputs"]["technology_stack"], "used")


if __name__ == "__main__":
    h.run_tests()
