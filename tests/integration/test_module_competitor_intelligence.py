"""test_module_competitor_intelligence.py — competitor_intelligence end to end, offline.

A coordinator, pf-fakeapi, the five adapters and the real company_context,
technology_stack and competitor_intelligence actors.  ENRICH with modules
[competitor_intelligence], then the result is checked against what the
emulator serves: the competitors are the fixture's similar sites in
SimilarWeb's score order; each one's visits are the emulator's value for
its latest month (asked of the emulator directly); the curated
competitors' site search and commerce platforms are those of their
fixtures (the stacks there are illustrative, so the test reads them from
the files); the target's rank is recomputed from those visits.  Then one
competitor's visits failing, BuiltWith's domain lookup failing (every
stack missing, with the reason) and SimilarWeb down (the module fails).
"""

import json
import os
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

MODULE = "competitor_intelligence"
# The adapters' rate for the test (requests a minute): the defaults would
# space the twenty-two calls of a job seconds apart.
RPM = "6000"
# Consecutive failures that open an adapter's breaker, above any test's.
BREAKER = "1000"
FIXTURES = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data", "companies")
# The emulator's data ends here (docs/PROVIDERS.md).
LATEST = "2025-12"
PLACES = 6
# BuiltWith categories with the roles the module reports (the module's
# role table, modules/pf_mod_technology_stack.c, restricted to the
# categories the curated fixtures use).
SEARCH_CATEGORIES = {"Site Search"}
COMMERCE_CATEGORIES = {"Enterprise Ecommerce", "Hosted Solution", "Ecommerce",
                       "Shopping Cart", "Headless Commerce"}


def fixture(domain):
    path = os.path.join(FIXTURES, domain + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)["illustrative"]


def names_with(techs, categories):
    return [t["name"] for t in techs if set(t["categories"]) & categories]


class CompetitorIntelligenceTest(mh.ModuleTest):
    MODULE = MODULE
    UPSTREAM = ["company_context", "technology_stack"]
    ADAPTERS = mh.adapters("similarweb", "builtwith", "yahoo_finance", "sec_edgar", "websearch",
                           similarweb=("similar_sites", {"domain": "nike.com"}))
    # No cache, so each fault test meets the provider; one attempt per
    # call; a breaker that a fault test cannot open for the tests after it.
    ADAPTER_ARGS = {name: ["--no-cache", "--retry-attempts", "1", "--rpm", RPM,
                           "--breaker-failures", BREAKER]
                    for name in ("similarweb", "builtwith")}
    FAKE_ARGS = ["--no-limits"]

    def latest_visits(self, domain):
        """The emulator's visits of domain for the latest month of its
        default window (no dates, as the module asks)."""
        query = {"api_key": "integration-test-key", "format": "json", "country": "world",
                 "granularity": "monthly", "main_domain_only": "false"}
        url = "%s/v1/website/%s/total-traffic-and-engagement/visits?%s" % (
            self.fake.base("similarweb"), domain, urllib.parse.urlencode(query))
        with urllib.request.urlopen(url, timeout=10) as resp:
            body = json.loads(resp.read())
        point = body["visits"][-1]
        self.assertEqual(point["date"][:7], LATEST)
        return point["visits"]

    def check(self, domain, r):
        d = r["data"]
        similar = fixture(domain)["similar_sites"]
        comps = d["competitors"]
        self.assertEqual([c["domain"] for c in comps], similar)
        self.assertEqual(d["competitor_count"], len(similar))
        self.assertEqual([c["rank_by_score"] for c in comps], list(range(1, len(similar) + 1)))
        scores = [c["score"] for c in comps]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual(self.source(r, "competitors")["op"], "similar_sites")
        for c in comps:
            self.assertEqual(c["missing"], [], c)
            self.assertEqual(c["visits_month"], LATEST)
            self.assertAlmostEqual(c["visits"], self.latest_visits(c["domain"]), PLACES)
            s = r["sources"][c["visits_source"]]
            self.assertEqual((s["provider"], s["op"]), ("similarweb", "visits"))
            self.assertIn(c["domain"], s["request"])
            s = r["sources"][c["stack_source"]]
            self.assertEqual((s["provider"], s["op"]), ("builtwith", "domain"))
            fx = fixture(c["domain"])
            if fx:
                self.assertEqual(s["origin"], "fixture")
                self.assertEqual(c["site_search"],
                                 names_with(fx["technologies"], SEARCH_CATEGORIES))
                self.assertEqual(c["ecommerce_platform"],
                                 names_with(fx["technologies"], COMMERCE_CATEGORIES))
        target = self.latest_visits(domain)
        self.assertEqual(d["target_visits"]["month"], LATEST)
        self.assertAlmostEqual(d["target_visits"]["visits"], target, PLACES)
        ahead = [c["domain"] for c in comps if c["visits"] > target]
        self.assertEqual(d["target_rank"]["rank"], len(ahead) + 1)
        self.assertEqual(d["target_rank"]["of"], len(comps) + 1)
        self.assertEqual(d["target_rank"]["ahead"], ahead)
        # Every vendor listed is run by the competitors it names.
        by_domain = {c["domain"]: c for c in comps}
        for v in d["competitor_site_search"]:
            for dom in v["competitors"]:
                self.assertIn(v["name"], by_domain[dom]["site_search"])
        runs = sum(len(c["site_search"]) for c in comps)
        self.assertEqual(sum(len(v["competitors"]) for v in d["competitor_site_search"]), runs)
        want = names_with(fixture(domain)["technologies"], SEARCH_CATEGORIES)
        self.assertEqual(d["target_site_search"], want)
        self.assertEqual(self.source(r, "target_site_search"),
                         {"kind": "module", "module": "technology_stack"})
        # Competitors without a fixture get synthetic data from the emulator.
        self.assertEqual(r["synthetic"], any(fixture(c) is None for c in similar))

    def test_1_stripe(self):
        r = self.enrich("stripe.com")
        self.check("stripe.com", r)
        self.assertEqual(r["data"]["target_site_search"], ["Algolia"])
        self.assertEqual(r["data"]["company"], "Stripe, Inc.")
        self.assertEqual(r["missing"], [])

    def test_2_target_costco_platform(self):
        r = self.enrich("target.com")
        self.check("target.com", r)
        costco = [c for c in r["data"]["competitors"] if c["domain"] == "costco.com"][0]
        self.assertEqual(costco["ecommerce_platform"], ["SAP Commerce Cloud"])

    def test_3_one_competitor_visits_failing(self):
        self.fake.fault(provider="similarweb",
                        endpoint="/v1/website/adyen.com/total-traffic-and-engagement/visits",
                        error_rate=1.0, error_status=503)
        r = self.enrich("stripe.com")
        comps = {c["domain"]: c for c in r["data"]["competitors"]}
        adyen = comps["adyen.com"]
        self.assertNotIn("visits", adyen)
        self.assertEqual([m["field"] for m in adyen["missing"]], ["visits"])
        self.assertTrue(adyen["missing"][0]["reason"].startswith("similarweb visits failed: "),
                        adyen)
        self.assertIn("site_search", adyen)
        self.assertEqual(r["data"]["target_rank"]["of"], len(comps))
        self.assertNotIn("adyen.com", r["data"]["target_rank"]["ahead"]
                         + r["data"]["target_rank"]["behind_or_equal"])

    def test_4_builtwith_domain_failing(self):
        self.fake.fault(provider="builtwith", endpoint="/v22", error_rate=1.0, error_status=500)
        r = self.enrich("costco.com")
        for c in r["data"]["competitors"]:
            self.assertNotIn("site_search", c)
            fields = sorted(m["field"] for m in c["missing"])
            self.assertEqual(fields, ["ecommerce_platform", "site_search"], c)
            self.assertTrue(c["missing"][0]["reason"].startswith("builtwith domain failed: "))
            self.assertIn("visits", c)
        self.assertEqual(self.reason(r, "competitor_site_search"),
                         "no competitor's BuiltWith lookup answered")
        self.assertIsNotNone(self.reason(r, "target_site_search"))
        self.assertIn("target_rank", r["data"])

    def test_5_similarweb_down(self):
        self.fake.fault(provider="similarweb", down=True)
        # The upstream modules do not need SimilarWeb: they complete, and
        # the job is partial.
        reply = self.job("nike.com")
        self.assertEqual(reply["status"], "partial", reply)
        self.assertEqual(sorted(reply["completed_modules"]), sorted(self.UPSTREAM))
        self.assertEqual([f["module"] for f in reply["failed_modules"]], [MODULE])
        self.assertIn("providers_unavailable", json.dumps(reply["failed_modules"]))


if __name__ == "__main__":
    h.run_tests()
