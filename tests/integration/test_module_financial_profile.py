"""test_module_financial_profile.py — financial_profile end to end, offline.

A coordinator, pf-fakeapi, the three adapters the module calls
(yahoo_finance, sec_edgar, websearch) and the real module actor (`pf module
financial_profile`).  ENRICH with modules [financial_profile], then the
result is checked field by field against public record
(tools/fakeapi/data/README.md): Nike's latest 10-K (accession, filing date,
form) and revenue and net income of fiscal 2025 and 2024 with the growth
and margin derived from them; Target's revenues and latest 10-K, Shopify's
(fiscal 2025 both); Costco's revenues, net income, net margin and latest
10-K (fiscal 2025); Adyen, listed but not an SEC filer, from Yahoo in euros; Stripe
private, with every financial field missing and its news still given; a
synthetic domain marked synthetic.  Then the faults: SEC EDGAR down (Yahoo's
income statements are the fallback, with the reasons), SEC's company facts
malformed, the news search down.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

FIXTURES = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data", "companies")
PRIVATE = "private company: no public filings"
FINANCIAL_FIELDS = ("revenue_latest", "revenue_prior", "revenue_growth", "net_income_latest",
                    "net_income_prior", "net_margin", "margins_ttm", "market_cap", "currency",
                    "fiscal_year_end", "latest_10k")
SEC_FIELDS = ("cik", "fiscal_year_end", "latest_10k")


def fixture(domain):
    with open(os.path.join(FIXTURES, domain + ".json")) as f:
        return json.load(f)


class FinancialProfileTest(mh.ModuleTest):
    MODULE = "financial_profile"
    ADAPTERS = mh.adapters("yahoo_finance", "sec_edgar", "websearch",
                           websearch=("news", {"query": "nike earnings OR revenue"}))
    # SEC and news answers are not cached, so each fault test meets the
    # provider; retries kept short.
    ADAPTER_ARGS = {"sec_edgar": ["--no-cache", "--retry-attempts", "2"],
                    "websearch": ["--no-cache", "--retry-attempts", "2"]}

    def figure(self, r, field, value, fiscal_year, end, provider, currency="USD"):
        f = r["data"][field]
        self.assertEqual(f["value"], value, field)
        self.assertEqual(f["period_end"], end, field)
        self.assertEqual(f["currency"], currency, field)
        if fiscal_year is None:
            self.assertNotIn("fiscal_year", f)
        else:
            self.assertEqual(f["fiscal_year"], fiscal_year, field)
        self.assertEqual(self.source(r, field)["provider"], provider, field)

    def check_news(self, r, domain):
        news = r["data"]["news"]
        want = fixture(domain)["illustrative"]["news"]
        self.assertEqual([n["title"] for n in news], [w["title"] for w in want])
        for n in news:
            self.assertTrue(n["url"].startswith("https://"), n)
        self.assertEqual(self.source(r, "news")["op"], "news")

    def test_1_nike_public_record(self):
        r = self.enrich("nike.com")
        d = r["data"]
        self.assertFalse(r["synthetic"])
        self.assertTrue(d["public"])
        self.assertEqual(d["ticker"], "NKE")
        self.assertEqual(d["cik"], 320187)
        self.assertEqual(d["fiscal_year_end"], "0531")
        k = d["latest_10k"]
        self.assertEqual(k["form"], "10-K")
        # The 10-K for fiscal 2025 (year ended 2025-05-31), filed 2025-07-17.
        self.assertEqual(k["accession"], "0000320187-25-000047")
        self.assertEqual(k["filing_date"], "2025-07-17")
        self.assertEqual(k["report_date"], "2025-05-31")
        self.assertEqual(k["url"], "https://www.sec.gov/Archives/edgar/data/320187/"
                                   "000032018725000047/nke-20250531.htm")
        self.assertEqual(self.source(r, "latest_10k")["op"], "submissions")
        self.figure(r, "revenue_latest", 46309000000, 2025, "2025-05-31", "sec_edgar")
        self.figure(r, "revenue_prior", 51362000000, 2024, "2024-05-31", "sec_edgar")
        self.assertEqual(d["revenue_latest"]["period_start"], "2024-06-01")
        self.assertEqual(d["revenue_latest"]["accession"], "0000320187-25-000047")
        self.assertEqual(self.source(r, "revenue_latest")["op"], "company_facts")
        self.assertAlmostEqual(d["revenue_growth"], 46309 / 51362 - 1, places=12)
        self.assertLess(d["revenue_growth"], 0)
        self.assertEqual(self.source(r, "revenue_growth")["kind"], "derived")
        self.assertEqual(d["currency"], "USD")
        self.figure(r, "net_income_latest", 3219000000, 2025, "2025-05-31", "sec_edgar")
        self.figure(r, "net_income_prior", 5700000000, 2024, "2024-05-31", "sec_edgar")
        self.assertAlmostEqual(d["net_margin"], 3219 / 46309, places=12)
        self.assertEqual(d["market_cap"]["currency"], "USD")
        self.assertEqual(self.source(r, "market_cap")["provider"], "yahoo_finance")
        self.assertIsNone(self.reason(r, "sec_edgar"))
        self.check_news(r, "nike.com")

    def test_2_target_revenue(self):
        r = self.enrich("target.com")
        d = r["data"]
        # The 10-K for fiscal 2025 (year ended 2026-01-31), filed 2026-03-11.
        self.figure(r, "revenue_latest", 104780000000, 2025, "2026-01-31", "sec_edgar")
        self.figure(r, "revenue_prior", 106566000000, 2024, "2025-02-01", "sec_edgar")
        self.assertAlmostEqual(d["revenue_growth"], 104780 / 106566 - 1, places=12)
        self.assertLess(d["revenue_growth"], 0)
        self.assertEqual(d["fiscal_year_end"], "0201")
        self.assertEqual(d["latest_10k"]["accession"], "0000027419-26-000016")
        self.assertEqual(d["latest_10k"]["filing_date"], "2026-03-11")
        self.assertEqual(d["latest_10k"]["report_date"], "2026-01-31")
        self.assertEqual(d["latest_10k"]["url"], "https://www.sec.gov/Archives/edgar/data/27419/"
                                                 "000002741926000016/tgt-20260131.htm")

    def test_3_costco_revenue_and_net_income(self):
        r = self.enrich("costco.com")
        d = r["data"]
        self.assertEqual(d["cik"], 909832)
        self.assertEqual(d["fiscal_year_end"], "0901")
        self.figure(r, "revenue_latest", 275235000000, 2025, "2025-08-31", "sec_edgar")
        self.figure(r, "revenue_prior", 254453000000, 2024, "2024-09-01", "sec_edgar")
        self.figure(r, "net_income_latest", 8099000000, 2025, "2025-08-31", "sec_edgar")
        self.figure(r, "net_income_prior", 7367000000, 2024, "2024-09-01", "sec_edgar")
        self.assertAlmostEqual(d["revenue_growth"], 275235 / 254453 - 1, places=12)
        self.assertAlmostEqual(d["net_margin"], 8099 / 275235, places=12)
        # The 10-K for fiscal 2025 (year ended 2025-08-31), filed 2025-10-08.
        k = d["latest_10k"]
        self.assertEqual(k["form"], "10-K")
        self.assertEqual(k["accession"], "0000909832-25-000101")
        self.assertEqual(k["filing_date"], "2025-10-08")
        self.assertEqual(k["report_date"], "2025-08-31")
        self.assertEqual(k["url"], "https://www.sec.gov/Archives/edgar/data/909832/"
                                   "000090983225000101/cost-20250831.htm")

    def test_3b_shopify_revenue(self):
        r = self.enrich("shopify.com")
        d = r["data"]
        self.assertEqual(d["cik"], 1594805)
        self.assertEqual(d["fiscal_year_end"], "1231")
        # The 10-K for fiscal 2025, filed 2026-02-11.
        self.figure(r, "revenue_latest", 11556000000, 2025, "2025-12-31", "sec_edgar")
        self.figure(r, "revenue_prior", 8880000000, 2024, "2024-12-31", "sec_edgar")
        self.assertAlmostEqual(d["revenue_growth"], 11556 / 8880 - 1, places=12)
        k = d["latest_10k"]
        self.assertEqual((k["form"], k["accession"], k["filing_date"], k["report_date"]),
                         ("10-K", "0001594805-26-000007", "2026-02-11", "2025-12-31"))
        self.assertEqual(k["url"], "https://www.sec.gov/Archives/edgar/data/1594805/"
                                   "000159480526000007/shop-20251231.htm")

    def test_4_adyen_not_an_sec_filer(self):
        r = self.enrich("adyen.com")
        d = r["data"]
        self.assertTrue(d["public"])
        self.assertEqual(d["ticker"], "ADYEN.AS")
        for field in SEC_FIELDS:
            self.assertNotIn(field, d)
            self.assertEqual(self.reason(r, field),
                             "not an SEC filer: SEC EDGAR lists no CIK for ADYEN.AS")
        # Yahoo labels no fiscal year: the period end says which year.
        self.figure(r, "revenue_latest", 1626100000, None, "2023-12-31", "yahoo_finance", "EUR")
        self.figure(r, "revenue_prior", 1330200000, None, "2022-12-31", "yahoo_finance", "EUR")
        self.assertAlmostEqual(d["revenue_growth"], 1626.1 / 1330.2 - 1, places=9)
        self.assertEqual(d["currency"], "EUR")
        self.assertIsNone(self.reason(r, "sec_edgar"))   # no filer: not a fallback

    def test_5_stripe_private(self):
        r = self.enrich("stripe.com")
        d = r["data"]
        self.assertFalse(d["public"])
        self.assertFalse(r["synthetic"])
        for field in FINANCIAL_FIELDS + ("ticker", "cik"):
            self.assertNotIn(field, d)
            self.assertEqual(self.reason(r, field), PRIVATE, field)
        self.assertGreater(len(d["news"]), 0)
        self.assertEqual(sorted(d), ["news", "public"])

    def test_6_synthetic_domain(self):
        r = self.enrich("quillfeather-supplies.com")
        self.assertTrue(r["synthetic"])
        self.assertFalse(r["data"]["public"])
        self.assertEqual(self.reason(r, "revenue_latest"), PRIVATE)

    def test_7_sec_down_yahoo_fallback(self):
        self.fake.fault(provider="sec_edgar", down=True)
        r = self.enrich("nike.com")
        d = r["data"]
        self.assertTrue(d["public"])
        self.assertEqual(d["ticker"], "NKE")
        for field in SEC_FIELDS:
            self.assertNotIn(field, d)
            self.assertTrue(self.reason(r, field).startswith("sec_edgar cik failed: "), field)
        self.figure(r, "revenue_latest", 46309000000, None, "2025-05-31", "yahoo_finance")
        self.figure(r, "revenue_prior", 51362000000, None, "2024-05-31", "yahoo_finance")
        self.assertEqual(self.source(r, "revenue_latest")["op"], "quote_summary")
        self.assertAlmostEqual(d["revenue_growth"], 46309 / 51362 - 1, places=12)
        note = self.reason(r, "sec_edgar")
        self.assertTrue(note.startswith("sec_edgar cik failed: "), note)
        self.assertTrue(note.endswith("; revenue and net income from Yahoo"), note)
        self.check_news(r, "nike.com")

    def test_8_sec_facts_malformed(self):
        self.fake.fault(provider="sec_edgar", endpoint="/api/xbrl/companyfacts",
                        malformed_rate=1.0)
        r = self.enrich("costco.com")
        d = r["data"]
        # The filing record still comes from SEC; the figures from Yahoo.
        self.assertEqual(d["cik"], 909832)
        self.assertEqual(d["fiscal_year_end"], "0901")
        self.figure(r, "revenue_latest", 275235000000, None, "2025-08-31", "yahoo_finance")
        self.figure(r, "net_income_latest", 8099000000, None, "2025-08-31", "yahoo_finance")
        self.assertAlmostEqual(d["net_margin"], 8099 / 275235, places=12)
        note = self.reason(r, "sec_edgar")
        self.assertTrue(note.startswith("sec_edgar company_facts failed: bad_response"), note)

    def test_9_news_down(self):
        self.fake.fault(provider="websearch", down=True)
        r = self.enrich("target.com")
        self.assertNotIn("news", r["data"])
        self.assertTrue(self.reason(r, "news").startswith("websearch news failed: "),
                        self.reason(r, "news"))
        self.assertEqual(r["data"]["revenue_latest"]["value"], 104780000000)


if __name__ == "__main__":
    h.run_tests()
