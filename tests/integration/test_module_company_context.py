"""test_module_company_context.py — company_context end to end, offline.

A coordinator, pf-fakeapi, the four adapters the module calls (builtwith,
yahoo_finance, sec_edgar, websearch) and the real module actor (`pf module
company_context`).  ENRICH with modules [company_context], then the result
is checked field by field against public record (tools/fakeapi/data/README.md):
Nike's legal name, ticker, CIK, SIC, fiscal year end and headquarters;
Costco's CIK; Stripe private with no CIK; a synthetic domain marked
synthetic; and, with SEC EDGAR down, Nike still completes with its SEC
facts missing and the reason given.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

MODULE = "company_context"
ADAPTERS = {"builtwith": ("domain", {"domain": "stripe.com"}),
            "yahoo_finance": ("search", {"query": "stripe"}),
            "sec_edgar": ("cik", {"ticker": "NKE"}),
            "websearch": ("web", {"query": "stripe.com"})}
SEC_FIELDS = ("cik", "sic", "sic_description", "fiscal_year_end")


class CompanyContextTest(mh.ModuleTest):
    MODULE = MODULE
    ADAPTERS = ADAPTERS
    # SEC answers are not cached, so the provider-down test really meets
    # the provider; retries kept short.
    ADAPTER_ARGS = {"sec_edgar": ["--no-cache", "--retry-attempts", "2"]}

    def test_1_nike_public_record(self):
        r = self.enrich("nike.com")
        d = r["data"]
        self.assertEqual(d["domain"], "nike.com")
        self.assertEqual(d["legal_name"], "NIKE, Inc.")
        self.assertTrue(d["public"])
        self.assertEqual(d["ticker"], "NKE")
        self.assertEqual(d["exchange"], "NYSE")
        self.assertEqual(d["cik"], 320187)
        self.assertEqual(d["sic"], "3021")
        self.assertEqual(d["sic_description"], "Rubber & Plastics Footwear")
        self.assertEqual(d["fiscal_year_end"], "0531")
        self.assertEqual(d["headquarters"]["city"], "Beaverton")
        self.assertEqual(d["headquarters"]["state"], "OR")
        self.assertEqual(d["industry"], "Footwear & Accessories")
        self.assertEqual(d["sector"], "Consumer Cyclical")
        self.assertFalse(r["synthetic"])
        self.assertEqual(self.source(r, "legal_name")["provider"], "sec_edgar")
        self.assertEqual(self.source(r, "legal_name")["op"], "submissions")
        self.assertEqual(self.source(r, "cik")["op"], "cik")
        self.assertEqual(self.source(r, "ticker")["op"], "quote_summary")
        self.assertEqual(self.source(r, "cik")["origin"], "fixture")
        # Nike's employee count is not in the curated data (unverified).
        self.assertNotIn("employees", d)
        self.assertIsNotNone(self.reason(r, "employees"))
        # Founded as Blue Ribbon Sports in 1964, as nike.com's own page says
        # (the web search's result on the domain).
        self.assertEqual(d["founded_year"], 1964)
        self.assertEqual(self.source(r, "founded_year")["provider"], "websearch")
        self.assertEqual(self.source(r, "founded_year")["op"], "web")

    def test_2_costco_cik(self):
        r = self.enrich("costco.com")
        d = r["data"]
        self.assertEqual(d["cik"], 909832)
        self.assertEqual(d["ticker"], "COST")
        self.assertEqual(d["sic"], "5331")
        self.assertEqual(d["fiscal_year_end"], "0901")
        self.assertTrue(d["public"])
        self.assertEqual(d["sic_description"], "Retail-Variety Stores")
        self.assertEqual(d["legal_name"], "COSTCO WHOLESALE CORP /NEW")   # SEC's conformed name
        self.assertEqual((d["headquarters"]["city"], d["headquarters"]["state"]),
                         ("Issaquah", "WA"))
        # Yahoo's "Costco Wholesale Corporation", SEC's "COSTCO WHOLESALE
        # CORP /NEW" and BuiltWith's name are one company: no conflict.
        self.assertNotIn("conflicts", d)
        # Costco's founding year is not in the curated data (unverified),
        # so its site states none: unknown, and why.
        self.assertNotIn("founded_year", d)
        self.assertEqual(self.reason(r, "founded_year"),
                         "no web result from the domain's own site states a founding year")

    def test_3_stripe_private(self):
        r = self.enrich("stripe.com")
        d = r["data"]
        self.assertFalse(d["public"])
        for field in ("ticker", "cik", "sic"):
            self.assertNotIn(field, d)
            self.assertEqual(self.reason(r, field), "private company: no confirmed listing")
        self.assertEqual(d["legal_name"], "Stripe, Inc.")
        self.assertEqual(d["headquarters"]["city"], "San Francisco")
        self.assertEqual(d["employees"], 7000)
        self.assertEqual(d["founded_year"], 2010)
        self.assertEqual(d["name"], "Stripe, Inc.")
        self.assertFalse(r["synthetic"])
        self.assertNotIn("conflicts", d)

    def test_4_synthetic_domain(self):
        r = self.enrich("quillfeather-supplies.com")
        self.assertTrue(r["synthetic"])
        self.assertFalse(r["data"]["public"])
        self.assertNotIn("cik", r["data"])
        self.assertIn("synthetic", [s.get("origin") for s in r["sources"]])

    def test_9_sec_down_degrades(self):
        self.fake.fault(provider="sec_edgar", down=True)
        try:
            r = self.enrich("nike.com")
        finally:
            self.fake.clear_faults()
        d = r["data"]
        # Yahoo still confirms the listing; SEC's facts are missing, with why.
        self.assertTrue(d["public"])
        self.assertEqual(d["ticker"], "NKE")
        for field in SEC_FIELDS:
            self.assertNotIn(field, d)
            reason = self.reason(r, field)
            self.assertIsNotNone(reason, field)
            self.assertTrue(reason.startswith("sec_edgar cik failed: "), reason)
        self.assertEqual(d["legal_name"], "NIKE, Inc.")
        self.assertEqual(self.source(r, "legal_name")["provider"], "yahoo_finance")

    # Last: the fault may open the adapter's circuit breaker for later tests.
    def test_9z_yahoo_malformed(self):
        self.fake.fault(provider="yahoo_finance", malformed_rate=1.0)
        try:
            r = self.enrich("target.com")
        finally:
            self.fake.clear_faults()
        d = r["data"]
        # No listing can be confirmed or denied: said so, never guessed;
        # BuiltWith still names the company.
        self.assertNotIn("public", d)
        for field in ("public", "ticker", "cik"):
            self.assertNotIn(field, d)
            self.assertTrue(self.reason(r, field).startswith("listing unknown: yahoo_finance"),
                            self.reason(r, field))
        self.assertEqual(self.source(r, "name")["provider"], "builtwith")


if __name__ == "__main__":
    h.run_tests()
