"""test_module_signal_scoring.py — signal_scoring end to end, offline.

A coordinator, pf-fakeapi, the four adapters, and the real modules of
signal_scoring's closure (company_context, financial_profile,
hiring_signals, strategic_context, investor_intelligence).  ENRICH with
modules [signal_scoring]: every signal of the shipped profile is scored,
each from the evidence its input reported under the signal's kinds (checked
against the upstream results of the same job), the composite is the sum of
the signals' scores and the timing follows the documented thresholds (for
nike.com, and for the private stripe.com, whose inputs show none of the
hiring and investor kinds: those signals are not seen and score 0); with
the web search down, the signals whose inputs failed contribute 0 and say
why, and the scoring still answers from the SEC part of
investor_intelligence.  Dates are the providers' (no fetch day): as_of is
the newest dated evidence, undated postings say dated false.  With a data
directory whose nike.com news announces an appointment ("Nike names
Elliott Hill President and CEO"), strategic_context files it under
risks.leadership and leadership_change counts it, dated.
"""

import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

PROFILE = os.path.join(h.PF_SOURCE_DIR, "modules", "profiles", "site-search.json")
with open(PROFILE) as _f:
    _TIMING = json.load(_f)["signal_timing"]   # the profile's thresholds
ACT_NOW, NURTURE = _TIMING["act_now"], _TIMING["nurture"]


def profile_signals():
    with open(PROFILE) as f:
        return json.load(f)["signals"]


def evidence_ids(result, kinds):
    """Distinct urls the result reports under kinds (map-of-lists facts and
    items with themes), as the module reads them."""
    ids = set()
    for value in result["data"].values():
        if isinstance(value, dict):
            for kind, items in value.items():
                if kind in kinds and isinstance(items, list):
                    ids.update(i.get("url") or i.get("title") for i in items
                               if isinstance(i, dict))
        elif isinstance(value, list):
            for i in value:
                if isinstance(i, dict) and set(i.get("themes") or []) & set(kinds):
                    ids.add(i.get("url") or i.get("title"))
    return ids


class SignalScoringTest(mh.ModuleTest):
    MODULE = "signal_scoring"
    UPSTREAM = ["company_context", "financial_profile", "hiring_signals",
                "strategic_context", "investor_intelligence"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    # Web search answers are not cached, so the fault test meets the provider.
    ADAPTER_ARGS = {"websearch": ["--no-cache", "--retry-attempts", "1"]}

    def check_scores(self, r):
        d = r["data"]
        names = [s["name"] for s in d["signals"]]
        self.assertEqual(names, [s["name"] for s in profile_signals()])
        total = sum(s["score"] for s in d["signals"])
        self.assertAlmostEqual(d["composite_score"], min(100.0, total), delta=0.3)
        want = ("act_now" if d["composite_score"] >= ACT_NOW else
                "nurture" if d["composite_score"] >= NURTURE else "monitor")
        self.assertEqual(d["timing"], want)
        self.assertEqual(d["thresholds"], {"act_now": ACT_NOW, "nurture": NURTURE})
        for s in d["signals"]:
            self.assertGreaterEqual(s["score"], 0)
            self.assertLessEqual(s["score"], s["weight"])
            for e in s.get("evidence", []):
                # Provider dates only: undated evidence (postings) says so.
                self.assertNotIn("seen", e)
                if e["dated"]:
                    self.assertLessEqual(e["date"], d["as_of"])
                else:
                    self.assertIsNone(e["date"])

    def test_1_nike(self):
        self.check_against_inputs("nike.com")

    def test_1b_stripe_private(self):
        r, results = self.check_against_inputs("stripe.com")
        self.assertFalse(r["synthetic"])
        self.assertEqual(results["hiring_signals"]["data"]["relevant_roles"], [])
        self.assertNotIn("filings", results["investor_intelligence"]["data"])
        by_name = {s["name"]: s for s in r["data"]["signals"]}
        for spec in profile_signals():
            if spec["input"] in ("hiring_signals", "investor_intelligence"):
                s = by_name[spec["name"]]
                self.assertEqual((s["status"], s["score"]), ("not_seen", 0), s)

    def check_against_inputs(self, domain):
        """Every signal of the profile checked against the upstream results
        of the same job; the result and the upstream results."""
        reply = self.job(domain)
        self.assertEqual(reply["status"], "completed", reply)
        results = reply["results"]
        r = results[self.MODULE]
        self.check_shape(r)
        self.check_scores(r)
        self.assertRegex(r["data"]["as_of"], r"^\d{4}-\d{2}-\d{2}$")
        by_name = {s["name"]: s for s in r["data"]["signals"]}
        for spec in profile_signals():
            s = by_name[spec["name"]]
            ids = set()
            for module in [spec["input"]] + spec.get("also_inputs", []):
                ids |= evidence_ids(results[module], spec["kinds"])
            self.assertEqual(s["evidence_found"], len(ids), spec["name"])
            self.assertEqual(s["status"], "seen" if ids else "not_seen")
            for e in s.get("evidence", []):
                self.assertIn(e["url"], ids)
                self.assertIn(e["kind"], spec["kinds"])
        self.assertEqual(r["synthetic"],
                         any(results[m]["synthetic"] for m in self.UPSTREAM[2:]))
        return r, results

    def test_2_websearch_down(self):
        self.fake.fault(provider="websearch", down=True)
        reply = self.job("nike.com")
        self.assertIn(reply["status"], ("completed", "partial"), reply)
        r = reply["results"][self.MODULE]
        self.check_shape(r)
        self.check_scores(r)
        by_name = {s["name"]: s for s in r["data"]["signals"]}
        for name in ("search_or_commerce_hiring", "digital_initiative"):
            self.assertEqual(by_name[name]["status"], "input_absent", by_name[name])
            self.assertEqual(by_name[name]["score"], 0)
            self.assertIn("did not complete", by_name[name]["reason"])
        # investor_intelligence answers from SEC; its news part is missing.
        # leadership_change also reads its filings (8-K item 5.02): the
        # emulator's filings carry no items, so none is seen.
        self.assertEqual(by_name["investor_digital_focus"]["status"], "not_seen")
        lead = by_name["leadership_change"]
        self.assertEqual((lead["status"], lead["score"]), ("not_seen", 0), lead)
        self.assertIn("strategic_context and investor_intelligence", lead["reason"])


def _appointment_data():
    """A copy of the emulator's data whose nike.com news adds an
    appointment (illustrative, like the record's other headlines)."""
    src = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data")
    tmp = tempfile.mkdtemp(prefix="pf-signal-data-")
    shutil.copytree(os.path.join(src, "companies"), os.path.join(tmp, "companies"))
    path = os.path.join(tmp, "companies", "nike.com.json")
    with open(path) as f:
        record = json.load(f)
    record["illustrative"]["news"].append({
        "title": "Nike names Elliott Hill President and CEO", "host": "news.example.org",
        "description": "Illustrative headline about Nike's chief executive."})
    with open(path, "w") as f:
        json.dump(record, f)
    return tmp


class LeadershipAppointmentTest(SignalScoringTest):
    DATA = None

    @classmethod
    def setUpClass(cls):
        cls.DATA = _appointment_data()
        cls.FAKE_ARGS = ["--data", cls.DATA]
        try:
            super().setUpClass()
        except BaseException:
            shutil.rmtree(cls.DATA, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.DATA, ignore_errors=True)

    # Only the appointment test runs in this class.
    test_1_nike = test_1b_stripe_private = test_2_websearch_down = None

    def test_appointment(self):
        r, results = self.check_against_inputs("nike.com")
        lead = results["strategic_context"]["data"]["risks"]["leadership"]
        titles = [e["title"] for e in lead]
        self.assertIn("Nike names Elliott Hill President and CEO", titles)
        self.assertTrue(all(e["date"] == "2025-12-01" for e in lead), lead)
        by_name = {s["name"]: s for s in r["data"]["signals"]}
        s = by_name["leadership_change"]
        self.assertEqual(s["status"], "seen", s)
        self.assertGreater(s["score"], 0)
        ev = [e for e in s["evidence"]
              if e["title"] == "Nike names Elliott Hill President and CEO"]
        self.assertEqual(len(ev), 1, s)
        self.assertEqual((ev[0]["date"], ev[0]["dated"]), ("2025-12-01", True))
        self.assertEqual(s["latest"], "2025-12-01")
        # Ages count back from the day the newest provider answer of the
        # inputs was fetched, not from the newest headline.
        fetched = [src["fetched_at"] for m in ("hiring_signals", "strategic_context",
                                               "investor_intelligence")
                   for src in results.get(m, {}).get("sources", [])
                   if isinstance(src.get("fetched_at"), int)]
        as_of = time.strftime("%Y-%m-%d", time.gmtime(max(fetched) // 1000))
        self.assertEqual(r["data"]["as_of"], as_of)
        self.assertGreater(s["age_days"], 0)
        self.assertLess(s["decay"], 1.0)


if __name__ == "__main__":
    h.run_tests()
