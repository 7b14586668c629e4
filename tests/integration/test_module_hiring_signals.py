"""test_module_hiring_signals.py — hiring_signals end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context and
hiring_signals actors.  ENRICH with modules [hiring_signals] (which brings
company_context along), then the result is checked against what the
emulator serves: the job postings of the curated fixture
(tools/fakeapi/data/companies/*.json, "illustrative" jobs: the test reads
them from the file), their departments and themes, the ATS, the evidence,
the company name taken from company_context (NIKE, Inc.; for the private
stripe.com, Stripe, Inc., with no role touching search or commerce); a
synthetic domain is marked
synthetic; with the web search down, hiring_signals fails (nothing true to
say) and the job ends partial while company_context completes.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

FIXTURES = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data", "companies")


def fixture_jobs(domain):
    with open(os.path.join(FIXTURES, domain + ".json")) as f:
        return json.load(f)["illustrative"]["jobs"]


class HiringSignalsTest(mh.ModuleTest):
    MODULE = "hiring_signals"
    UPSTREAM = ["company_context"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    # One attempt, no cache: the fault test meets the provider at once.
    ADAPTER_ARGS = {"websearch": ["--no-cache", "--retry-attempts", "1"]}

    def test_1_nike(self):
        r = self.enrich("nike.com")
        d = r["data"]
        jobs = fixture_jobs("nike.com")
        self.assertEqual(d["postings_found"], len(jobs))
        self.assertEqual(sorted(e["title"].split(" - ")[0] for e in d["evidence"]),
                         sorted(jobs))
        self.assertEqual(d["by_department"],
                         {"engineering": 1, "data": 1, "product": 1})
        relevant = {x["title"].split(" - ")[0]: x["themes"] for x in d["relevant_roles"]}
        self.assertEqual(relevant, {"Senior Software Engineer, Digital Commerce": ["ecommerce"],
                                    "Director, Data Engineering": ["data"]})
        self.assertEqual(d["ats"], "own")
        self.assertEqual(d["company"], "NIKE, Inc.")   # company_context's name
        self.assertEqual(self.source(r, "company"), {"kind": "module",
                                                     "module": "company_context"})
        src = self.source(r, "postings_found")
        self.assertEqual((src["provider"], src["op"]), ("websearch", "jobs"))
        self.assertEqual(src["origin"], "fixture")
        self.assertFalse(r["synthetic"])

    def test_1b_stripe_private(self):
        r = self.enrich("stripe.com")
        d = r["data"]
        jobs = fixture_jobs("stripe.com")
        self.assertEqual(d["postings_found"], len(jobs))
        self.assertEqual(sorted(e["title"].split(" - ")[0] for e in d["evidence"]),
                         sorted(jobs))
        self.assertEqual(d["by_department"], {"engineering": 2, "sales": 1})
        self.assertEqual(d["relevant_roles"], [])
        self.assertEqual(d["by_theme"], {})
        self.assertEqual(d["company"], "Stripe, Inc.")
        for e in d["evidence"]:
            self.assertTrue(e["url"].startswith("https://stripe.com/"), e)
        self.assertFalse(r["synthetic"])

    def test_2_synthetic_domain(self):
        r = self.enrich("hiring-synthetic-widgets.example-pf.com")
        self.assertTrue(r["synthetic"])
        self.assertGreaterEqual(r["data"]["postings_found"], 0)

    def test_3_search_down_fails_the_module_only(self):
        self.fake.fault(provider="websearch", down=True)
        reply = self.job("target.com")
        self.assertEqual(reply["status"], "partial", reply)
        st = self.client.request("STATUS", job_id=reply["job_id"])
        modules = st["modules"]
        self.assertEqual(modules["company_context"]["status"], "completed", modules)
        self.assertEqual(modules["hiring_signals"]["status"], "failed", modules)
        self.assertIn("websearch jobs failed", modules["hiring_signals"].get("error", ""),
                      modules)


if __name__ == "__main__":
    h.run_tests()
