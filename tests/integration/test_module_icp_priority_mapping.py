"""test_module_icp_priority_mapping.py — icp_priority_mapping end to end, offline.

A coordinator, pf-fakeapi, the five adapters and the real company_context,
traffic_analysis, financial_profile, technology_stack and
icp_priority_mapping actors; competitor_intelligence runs simulated (no
factor of the sample profile reads it).  ENRICH with modules
[icp_priority_mapping]: for nike.com the industry (Footwear & Accessories,
Yahoo's profile) is one of the profile's, the revenue of fiscal 2025
(46.309 billion USD, SEC) earns revenue_scale in full, Akamai and Adobe
Experience Manager (the fixture's detected technologies) are two of three
fit technologies and no displaceable incumbent is detected; the score is
the sum of the factors' points and the tier the profile's letter for it.
For the private stripe.com the revenue is unknown (no public filings) and
contributes 0 with the reason, Algolia earns displaceable_incumbent in
full and Software - Infrastructure no industry points.  With SimilarWeb
down, traffic_scale contributes 0 and says why.  A
synthetic domain is marked synthetic.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

RPM = 6000
FAST = ["--no-cache", "--retry-attempts", "1", "--rpm", str(RPM)]


class IcpPriorityMappingTest(mh.ModuleTest):
    MODULE = "icp_priority_mapping"
    UPSTREAM = ["company_context", "traffic_analysis", "financial_profile", "technology_stack"]
    SIMULATED = ["competitor_intelligence"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch", "similarweb")
    ADAPTER_ARGS = {name: FAST for name in ADAPTERS}
    FAKE_ARGS = ["--no-limits"]

    def factor(self, r, name):
        for f in r["data"]["factors"]:
            if f["name"] == name:
                return f
        self.fail("no factor %s in %r" % (name, r["data"]["factors"]))

    def test_1_nike(self):
        r = self.enrich("nike.com")
        d = r["data"]
        self.assertFalse(r["synthetic"])
        industry = self.factor(r, "industry_fit")
        self.assertEqual(industry["points"], 15)
        self.assertEqual(industry["reason"],
                         "industry Footwear & Accessories (sector Consumer Cyclical) names "
                         "Footwear, one of the profile's industries")
        revenue = self.factor(r, "revenue_scale")
        self.assertEqual(revenue["points"], 25)
        self.assertIn("46309000000 USD (fiscal year 2025)", revenue["reason"])
        fit = self.factor(r, "technology_fit")
        self.assertAlmostEqual(fit["points"], 13.3)
        self.assertIn("Akamai", fit["reason"])
        self.assertIn("Adobe Experience Manager", fit["reason"])
        incumbent = self.factor(r, "displaceable_incumbent")
        self.assertTrue(incumbent["known"])
        self.assertEqual(incumbent["points"], 0)
        traffic = self.factor(r, "traffic_scale")
        self.assertTrue(traffic["known"], traffic)
        self.assertGreater(traffic["points"], 0)
        total = sum(f["points"] for f in d["factors"])
        self.assertAlmostEqual(d["score"], total, places=6)
        tier = "A" if d["score"] >= 75 else "B" if d["score"] >= 55 else "C" \
            if d["score"] >= 35 else "D"
        self.assertEqual(d["tier"], tier)
        self.assertEqual(d["unknown_factors"], [])
        self.assertEqual(self.source(r, "score")["kind"], "derived")
        modules = {s.get("module") for s in r["sources"] if s["kind"] == "module"}
        self.assertEqual(modules, {"company_context", "traffic_analysis", "financial_profile",
                                   "technology_stack"})

    def test_1b_stripe_private(self):
        r = self.enrich("stripe.com")
        d = r["data"]
        self.assertFalse(r["synthetic"])
        revenue = self.factor(r, "revenue_scale")
        self.assertFalse(revenue["known"])
        self.assertEqual(revenue["points"], 0)
        self.assertIn("private company", revenue["reason"])
        self.assertEqual(d["unknown_factors"], ["revenue_scale"])
        incumbent = self.factor(r, "displaceable_incumbent")
        self.assertEqual(incumbent["points"], incumbent["weight"])
        self.assertIn("Algolia", incumbent["reason"])
        industry = self.factor(r, "industry_fit")
        self.assertTrue(industry["known"])
        self.assertEqual(industry["points"], 0)
        # Private: no sector known (Yahoo has no profile of Stripe).
        self.assertEqual(industry["reason"],
                         "industry Software - Infrastructure names none of the profile's "
                         "industries")
        total = sum(f["points"] for f in d["factors"])
        self.assertAlmostEqual(d["score"], total, places=6)
        tier = "A" if d["score"] >= 75 else "B" if d["score"] >= 55 else "C" \
            if d["score"] >= 35 else "D"
        self.assertEqual(d["tier"], tier)

    # Last: the fault opens the adapter's circuit breaker for later tests.
    def test_3_traffic_down_contributes_zero(self):
        self.fake.fault(provider="similarweb", down=True)
        r = self.enrich("costco.com")
        traffic = self.factor(r, "traffic_scale")
        self.assertFalse(traffic["known"])
        self.assertEqual(traffic["points"], 0)
        self.assertIn("traffic_analysis", traffic["reason"])
        self.assertIn("traffic_scale", r["data"]["unknown_factors"])
        # Costco's industry (Discount Stores) is one of the profile's.
        self.assertEqual(self.factor(r, "industry_fit")["points"], 15)

    def test_2_synthetic_domain(self):
        r = self.enrich("icp-synthetic-widgets.example-pf.com")
        self.assertTrue(r["synthetic"])
        self.assertIn(r["data"]["tier"], ("A", "B", "C", "D"))


if __name__ == "__main__":
    h.run_tests()
