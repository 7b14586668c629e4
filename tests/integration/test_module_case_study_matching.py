"""test_module_case_study_matching.py — case_study_matching end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context,
technology_stack and case_study_matching actors with the shipped sample
profile.  ENRICH with modules [case_study_matching]: for nike.com
(Footwear & Accessories by Yahoo's profile; Adobe Experience Manager among
the fixture's detected technologies) the footwear case study leads on
industry and the publisher's on the shared CMS, each with why; for
costco.com (SAP Commerce Cloud detected) the case that ran on it scores
on technology; for stripe.com (private; Software - Infrastructure, no
industry of the library; about 7,000 employees, an enterprise; Algolia
detected) the case that moved off the hosted search API leads on
technology and size, no case on industry.  With BuiltWith down, technology_stack fails, its part is
missing with the reason, and industry still ranks the cases.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

RPM = 6000
FAST = ["--no-cache", "--retry-attempts", "1", "--rpm", str(RPM)]


class CaseStudyMatchingTest(mh.ModuleTest):
    MODULE = "case_study_matching"
    UPSTREAM = ["company_context", "technology_stack"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    ADAPTER_ARGS = {name: FAST for name in ADAPTERS}
    FAKE_ARGS = ["--no-limits"]

    @staticmethod
    def ids(r):
        return [m["id"] for m in r["data"]["matches"]]

    def match(self, r, case_id):
        for m in r["data"]["matches"]:
            if m["id"] == case_id:
                return m
        self.fail("%s not matched: %r" % (case_id, r["data"]["matches"]))

    def test_1_nike(self):
        r = self.enrich("nike.com")
        d = r["data"]
        self.assertFalse(r["synthetic"])
        self.assertTrue(d["sample"])
        self.assertEqual(d["cases_considered"], 12)
        self.assertLessEqual(len(d["matches"]), 3)
        self.assertEqual(self.ids(r)[0], "cs-03", d["matches"])      # Footwear
        best = self.match(r, "cs-03")
        self.assertTrue(best["industry_match"])
        self.assertIn("same industry: Footwear", best["why"][0])
        media = self.match(r, "cs-08")                                # shares AEM
        self.assertEqual(media["technologies_in_use"], ["Adobe Experience Manager"])
        scores = [m["score"] for m in d["matches"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual(self.source(r, "matches")["kind"], "derived")

    def test_2_costco_platform(self):
        r = self.enrich("costco.com")
        peak = self.match(r, "cs-03")                                 # SAP Commerce Cloud
        self.assertEqual(peak["technologies_in_use"], ["SAP Commerce Cloud"])
        self.assertFalse(peak["industry_match"])

    def test_2b_stripe_private(self):
        r = self.enrich("stripe.com")
        d = r["data"]
        self.assertFalse(r["synthetic"])
        self.assertEqual(d["company_size_band"], "enterprise")        # ~7,000 employees
        self.assertEqual(self.ids(r)[0], "cs-01", d["matches"])
        best = self.match(r, "cs-01")
        self.assertEqual(best["technologies_in_use"], ["Algolia"])
        self.assertEqual(best["size_band_distance"], 0)
        self.assertIn("Algolia", best["why"][0])
        # Software - Infrastructure is no case's industry.
        for m in d["matches"]:
            self.assertFalse(m["industry_match"], m)
        scores = [m["score"] for m in d["matches"]]
        self.assertEqual(scores, sorted(scores, reverse=True))

    # Last: the fault opens the adapter's circuit breaker for later tests.
    def test_4_builtwith_down_degrades(self):
        self.fake.fault(provider="builtwith", down=True)
        r = self.enrich("nike.com")
        self.assertIn("technology_stack", self.reason(r, "technology_match"))
        self.assertEqual(self.ids(r)[0], "cs-03")
        for m in r["data"]["matches"]:
            self.assertEqual(m["technologies_in_use"], [])

    def test_3_synthetic_domain(self):
        r = self.enrich("cases-synthetic-widgets.example-pf.com")
        self.assertTrue(r["synthetic"])


if __name__ == "__main__":
    h.run_tests()
