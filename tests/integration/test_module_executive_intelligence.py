"""test_module_executive_intelligence.py — executive_intelligence end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context,
strategic_context and executive_intelligence actors.  ENRICH with modules
[executive_intelligence]: for nike.com the officers of Yahoo's profile (the
curated fixture's verified officers, tools/fakeapi/data/README.md) are
listed with their titles and functions, sourced to yahoo_finance
quote_summary — asked only because company_context confirmed the listing;
for stripe.com (private) Yahoo is not asked and the result says why; with
the news search failing the statements are missing with the reason while
the officers stay; with Yahoo's profile failing, the listing is not
confirmed and the leaders come from the web search's leadership pages.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402


class ExecutiveIntelligenceTest(mh.ModuleTest):
    MODULE = "executive_intelligence"
    UPSTREAM = ["company_context", "strategic_context"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    ADAPTER_ARGS = {"websearch": ["--no-cache", "--retry-attempts", "1"]}

    def test_1_nike(self):
        r = self.enrich("nike.com")
        d = r["data"]
        people = {e["name"]: e for e in d["executives"]}
        self.assertEqual(people["Elliott Hill"]["title"], "President and Chief Executive Officer")
        self.assertEqual(people["Elliott Hill"]["function"], "executive")
        self.assertEqual(people["Elliott Hill"]["source"], "yahoo_finance")
        self.assertEqual(people["Matthew Friend"]["title"],
                         "Executive Vice President and Chief Financial Officer")
        self.assertEqual(people["Matthew Friend"]["function"], "finance")
        src = self.source(r, "executives")
        self.assertEqual((src["provider"], src["op"]), ("yahoo_finance", "quote_summary"))
        # The leadership search names the same two: no gap, no duplicates.
        self.assertIsNone(self.reason(r, "web_leaders"))
        self.assertEqual(len(people), len(d["executives"]))
        self.assertIn("digital", self.reason(r, "digital_leaders"))
        # The emulator's illustrative headlines name no executive.
        self.assertIn("names a known executive", self.reason(r, "statements"))
        self.assertEqual(d["company"], "NIKE, Inc.")
        self.assertFalse(r["synthetic"])

    def test_2_costco(self):
        r = self.enrich("costco.com")
        names = [(e["name"], e["title"]) for e in r["data"]["executives"]]
        self.assertIn(("Ron Vachris", "President and Chief Executive Officer"), names)

    def test_3_private_company_no_yahoo(self):
        # Stripe is private: Yahoo is not asked; its founders (public
        # record) are found on the web, from the leadership pages.
        r = self.enrich("stripe.com")
        d = r["data"]
        self.assertIn("confirmed no listing", self.reason(r, "officers"))
        people = [(e["name"], e["title"], e["function"], e["source"]) for e in d["executives"]]
        self.assertEqual(people, [
            ("Patrick Collison", "Co-Founder and Chief Executive Officer", "executive", "web"),
            ("John Collison", "Co-Founder and President", "executive", "web")])
        for e in d["executives"]:
            self.assertTrue(e["url"].startswith("https://www.stripe.com/"), e)
        src = self.source(r, "executives")
        self.assertEqual((src["provider"], src["op"]), ("websearch", "web"))
        self.assertEqual(d["company"], "Stripe, Inc.")
        self.assertFalse(r["synthetic"])

    def test_4_synthetic_domain(self):
        r = self.enrich("leaders-synthetic-widgets.example-pf.com")
        self.assertTrue(r["synthetic"])
        self.assertNotIn("executives", r["data"])

    def test_5_news_failing_degrades(self):
        self.fake.fault(provider="websearch", endpoint="/res/v1/news", error_rate=1.0,
                        error_status=500)
        # Target: not asked before in this class, so nothing is cached.
        r = self.enrich("target.com")
        self.assertIn("websearch news failed", self.reason(r, "statements"))

    def test_6_unconfirmed_listing_web_leaders(self):
        # Yahoo's profile failing: company_context cannot confirm the
        # listing, so Yahoo's officers are not asked; the leadership search
        # still names the officers (the emulator's leadership pages).
        self.fake.fault(provider="yahoo_finance", endpoint="/v10/finance/quoteSummary",
                        error_rate=1.0, error_status=500)
        r = self.enrich("shopify.com")
        self.assertIn("confirmed no listing", self.reason(r, "officers"))
        people = {e["name"]: e for e in r["data"]["executives"]}
        lutke = people["Tobias Lütke"]
        self.assertEqual(lutke["title"], "Co-Founder and Chief Executive Officer")
        self.assertEqual(lutke["source"], "web")
        self.assertTrue(lutke["url"].startswith("https://www.shopify.com/"), lutke)
        src = self.source(r, "executives")
        self.assertEqual((src["provider"], src["op"]), ("websearch", "web"))


if __name__ == "__main__":
    h.run_tests()
