"""test_module_strategic_context.py — strategic_context end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context and
strategic_context actors.  ENRICH with modules [strategic_context] (which
brings company_context along): for nike.com the emulator's illustrative
headlines (tools/fakeapi/data/companies/nike.com.json) become dated
evidence of the initiatives they show ("Nike expands wholesale
partnerships": international expansion); for the private stripe.com its
one headline is one dated new-products item, named once though both the
news and the web search return it; a synthetic domain is marked
synthetic; with the news search failing, the web search still answers and
the missing part says why; with both down the module fails and the job
ends partial.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402


class StrategicContextTest(mh.ModuleTest):
    MODULE = "strategic_context"
    UPSTREAM = ["company_context"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    ADAPTER_ARGS = {"websearch": ["--no-cache", "--retry-attempts", "1"]}

    def test_1_nike(self):
        r = self.enrich("nike.com")
        d = r["data"]
        expansion = d["initiatives"]["international_expansion"]
        titles = [e["title"] for e in expansion]
        self.assertIn("Nike expands wholesale partnerships", titles)
        dated = [e for e in expansion if e["found_in"] == "news"]
        self.assertTrue(dated, expansion)
        self.assertEqual(dated[0]["date"], "2025-12-01")   # the emulator's page_age
        self.assertGreaterEqual(d["headlines_read"], 2)
        self.assertEqual(d["company"], "NIKE, Inc.")
        src = self.source(r, "initiatives")
        self.assertEqual((src["provider"], src["op"]), ("websearch", "news"))
        self.assertFalse(r["synthetic"])

    def test_1b_stripe_private(self):
        r = self.enrich("stripe.com")
        d = r["data"]
        self.assertEqual(d["company"], "Stripe, Inc.")
        self.assertEqual(d["headlines_read"], 1)
        self.assertEqual(sorted(d["initiatives"]), ["new_products"])
        items = d["initiatives"]["new_products"]
        self.assertEqual([(e["title"], e["date"]) for e in items],
                         [("Stripe launches new payments features", "2025-12-01")])
        self.assertEqual(items[0]["found_in"], "news")
        self.assertEqual(d["risks"], {})
        self.assertFalse(r["synthetic"])

    def test_2_synthetic_domain(self):
        r = self.enrich("strategy-synthetic-widgets.example-pf.com")
        self.assertTrue(r["synthetic"])

    def test_3_news_failing_degrades(self):
        self.fake.fault(provider="websearch", endpoint="/res/v1/news", error_rate=1.0,
                        error_status=500)
        r = self.enrich("costco.com")
        self.assertNotIn("headlines_read", r["data"])
        self.assertIn("websearch news failed", self.reason(r, "headlines_read"))
        self.assertIn("initiatives", r["data"])
        self.assertEqual(self.source(r, "initiatives")["op"], "web")

    def test_4_both_down_fails_the_module_only(self):
        self.fake.fault(provider="websearch", down=True)
        reply = self.job("target.com")
        self.assertEqual(reply["status"], "partial", reply)
        modules = self.client.request("STATUS", job_id=reply["job_id"])["modules"]
        self.assertEqual(modules["company_context"]["status"], "completed", modules)
        self.assertEqual(modules["strategic_context"]["status"], "failed", modules)


if __name__ == "__main__":
    h.run_tests()
