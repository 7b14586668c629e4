"""test_module_investor_intelligence.py — investor_intelligence end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context and
investor_intelligence actors.  ENRICH with modules [investor_intelligence]
(its inputs company_context and financial_profile come along, so both run
for real too): Nike's filings are its EDGAR record in the fixture — the 10-K
for fiscal 2025, accession 0000320187-25-000047, filed 2025-07-17, with its
Archives URL; Costco's 10-Ks and 8-Ks; Stripe is private, so no filings (with the
reason) and its news is read for funding; with SEC down the filings are
missing with the error and the news part still answers.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

FIXTURES = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data", "companies")


def fixture(domain):
    with open(os.path.join(FIXTURES, domain + ".json")) as f:
        return json.load(f)


class InvestorIntelligenceTest(mh.ModuleTest):
    MODULE = "investor_intelligence"
    UPSTREAM = ["company_context", "financial_profile"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    # SEC answers are not cached, so the fault test meets the provider.
    ADAPTER_ARGS = {"sec_edgar": ["--no-cache", "--retry-attempts", "1"]}

    def test_1_nike_filings(self):
        r = self.enrich("nike.com")
        d = r["data"]
        ten_k = d["latest"]["10-K"]
        self.assertEqual(ten_k["accession"], "0000320187-25-000047")
        self.assertEqual(ten_k["filing_date"], "2025-07-17")
        self.assertEqual(ten_k["report_date"], "2025-05-31")
        self.assertEqual(ten_k["url"], "https://www.sec.gov/Archives/edgar/data/320187/"
                                       "000032018725000047/nke-20250531.htm")
        self.assertTrue(d["public"])
        self.assertEqual(self.source(r, "filings")["provider"], "sec_edgar")
        self.assertIn("themes", d)
        self.assertGreaterEqual(d["headlines_read"], 1)

    def test_2_costco_8ks(self):
        r = self.enrich("costco.com")
        forms = [f["form"] for f in r["data"]["filings"]]
        # The SEC adapter lists 10-K, 10-Q and 8-K (not amendments): the
        # fiscal 2025 and 2024 10-Ks, then two 8-Ks (the 8-K/A left out).
        want = [f["form"] for f in fixture("costco.com")["filings"]
                if f["filed"] and f["form"] in ("10-K", "10-Q", "8-K")]
        self.assertEqual(forms, want)
        self.assertEqual(forms, ["10-K", "10-K", "8-K", "8-K"])
        ten_k = r["data"]["latest"]["10-K"]
        self.assertEqual(ten_k["accession"], "0000909832-25-000101")
        self.assertEqual(ten_k["filing_date"], "2025-10-08")
        # The 8-K of 2023-11-24 (0000909832-23-000049) reports items 5.02
        # and 9.01 on EDGAR: the filed record of an officer change, kept as
        # dated leadership evidence; the other 8-K reports no 5.02.
        eights = [f for f in r["data"]["filings"] if f["form"] == "8-K"]
        officer = [f for f in eights if f["accession"] == "0000909832-23-000049"]
        self.assertEqual(len(officer), 1)
        self.assertEqual(officer[0]["items"], "5.02,9.01")
        self.assertEqual(officer[0]["themes"], ["leadership"])
        self.assertEqual(officer[0]["filing_date"], "2023-11-24")
        for f in eights:
            if f is not officer[0]:
                self.assertNotIn("themes", f)

    def test_3_stripe_private(self):
        r = self.enrich("stripe.com")
        self.assertFalse(r["data"]["public"])
        self.assertEqual(self.reason(r, "filings"), "private company: no SEC filings")
        self.assertIn("funding", r["data"])
        self.assertNotIn("themes", r["data"])

    def test_4_sec_down_degrades(self):
        # company_context's own SEC calls fail too: it then knows no CIK,
        # and investor_intelligence says so.
        self.fake.fault(provider="sec_edgar", down=True)
        r = self.enrich("target.com")
        self.assertNotIn("filings", r["data"])
        self.assertIn("no SEC CIK known", self.reason(r, "filings"))
        self.assertIn("themes", r["data"])


if __name__ == "__main__":
    h.run_tests()
