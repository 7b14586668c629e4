"""test_module_technology_stack.py — technology_stack end to end, offline.

A coordinator, pf-fakeapi, the builtwith adapter and the real module actor
(`pf module technology_stack`, with the shipped seller profile).  ENRICH
with modules [technology_stack], then the result is checked field by field
against what the emulator serves for the curated fixtures
(tools/fakeapi/data/companies/*.json: the technologies there are
illustrative, so the test reads them from the files): every technology
with its tag, categories and detection times, the notable roles, the
seller's displaceable and fit technologies, the spend estimate with its
unit, related domains, recommendations, keywords and trust.  Then a
synthetic domain is marked synthetic; one BuiltWith operation failing or
answering garbage leaves only its facts missing, with the error as the
reason; and BuiltWith down fails the module (nothing true to say).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

MODULE = "technology_stack"
# The builtwith adapter's rate for the test (requests a minute).
RPM = 6000
FIXTURES = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data", "companies")
ROLES = ["site_search", "ecommerce_platform", "cms", "analytics", "cdn", "tag_manager", "ats"]
# The emulator's recommendations for every domain (pf_fake_route.c).
RECOMMENDED = ["Hotjar", "Intercom", "Cloudflare", "Segment"]
# The emulator's spend estimate: this many dollars per technology.
SPEND_PER_TECH = 150


def fixture(domain):
    with open(os.path.join(FIXTURES, domain + ".json")) as f:
        return json.load(f)["illustrative"]


class TechnologyStackTest(mh.ModuleTest):
    MODULE = MODULE
    ADAPTERS = mh.adapters("builtwith")
    # No cache, so each fault test meets the provider; one attempt per
    # call, so a failing operation fails at once; BuiltWith's default 30
    # requests a minute would space the five calls of a job 2 s apart (the
    # rate limiter has its own tests).
    ADAPTER_ARGS = {"builtwith": ["--no-cache", "--retry-attempts", "1", "--rpm", str(RPM)]}
    FAKE_ARGS = ["--no-limits"]

    def check_against_fixture(self, domain, r):
        want = fixture(domain)["technologies"]
        d = r["data"]
        self.assertEqual(d["technology_count"], len(want))
        self.assertEqual([t["name"] for t in d["technologies"]], [t["name"] for t in want])
        for got, exp in zip(d["technologies"], want):
            self.assertEqual(got["tag"], exp["tag"], got["name"])
            self.assertEqual(got["categories"], exp["categories"], got["name"])
            self.assertLessEqual(got["first_detected"], got["last_detected"], got["name"])
        by_cat = {}
        for t in want:
            for c in t["categories"]:
                by_cat.setdefault(c, []).append(t["name"])
        self.assertEqual(d["by_category"], {c: sorted(n) for c, n in by_cat.items()})
        self.assertEqual(sorted(d["notable"]), sorted(ROLES))
        self.assertEqual(d["spend"], {"amount": len(want) * SPEND_PER_TECH, "currency": "USD",
                                      "period": "month",
                                      "basis": "BuiltWith estimate of technology spend"})
        self.assertEqual(d["keywords"], fixture(domain)["keywords"])
        self.assertEqual([x["name"] for x in d["recommendations"]], RECOMMENDED)
        # rv4 in the emulator: one analytics ID shared with the first two
        # similar sites, the first overlapping in time.
        similar = fixture(domain)["similar_sites"]
        related = {x["domain"]: x for x in d["related_domains"]}
        self.assertEqual(sorted(related), sorted(similar[:2]))
        self.assertTrue(related[similar[0]]["overlap"])
        self.assertFalse(related[similar[1]]["overlap"])
        self.assertEqual(related[similar[0]]["shared"][0]["type"], "google-analytics")
        self.assertIn("status", d["trust"])
        self.assertEqual(d["seller"], {"name": "Example Search",
                                       "product": "Example Search Discovery Cloud",
                                       "sample": True})
        for field, op in (("technologies", "domain"), ("notable", "domain"),
                          ("spend", "domain"), ("related_domains", "relationships"),
                          ("recommendations", "recommendations"), ("keywords", "keywords"),
                          ("trust", "trust")):
            s = self.source(r, field)
            self.assertEqual((s["kind"], s["provider"], s["op"]), ("provider", "builtwith", op))
            self.assertEqual(s["origin"], "fixture")
        self.assertEqual(r["missing"], [])
        self.assertFalse(r["synthetic"])

    def test_1_nike(self):
        r = self.enrich("nike.com")
        self.check_against_fixture("nike.com", r)
        n = r["data"]["notable"]
        self.assertEqual(n["cdn"], ["Akamai"])
        self.assertEqual(n["cms"], ["Adobe Experience Manager"])
        self.assertEqual(n["tag_manager"], ["Google Tag Manager"])
        self.assertEqual(n["site_search"], [])
        self.assertEqual(n["ecommerce_platform"], [])
        self.assertEqual(r["data"]["displaceable"], [])
        self.assertEqual([t["name"] for t in r["data"]["fit"]],
                         ["Akamai", "Adobe Experience Manager"])
        flags = {t["name"]: t.get("seller") for t in r["data"]["technologies"]}
        self.assertEqual(flags["Akamai"], "fit")
        self.assertIsNone(flags["React"])

    def test_2_stripe_site_search_is_displaceable(self):
        r = self.enrich("stripe.com")
        self.check_against_fixture("stripe.com", r)
        d = r["data"]
        self.assertEqual(d["notable"]["site_search"], ["Algolia"])
        self.assertEqual(d["notable"]["cms"], ["Contentful"])
        self.assertEqual(d["notable"]["cdn"], ["Amazon CloudFront"])
        self.assertEqual(len(d["displaceable"]), 1)
        algolia = d["displaceable"][0]
        self.assertEqual((algolia["name"], algolia["profile_name"]), ("Algolia", "Algolia"))
        self.assertEqual(algolia["categories"], ["Site Search"])
        self.assertIn("first_detected", algolia)
        self.assertEqual(sorted(t["name"] for t in d["fit"]), ["Contentful", "Segment"])
        tech = {t["name"]: t for t in d["technologies"]}
        self.assertEqual(tech["Algolia"]["seller"], "displaceable")
        self.assertEqual(tech["Algolia"]["role"], "site_search")

    def test_3_costco_commerce_platform(self):
        r = self.enrich("costco.com")
        self.check_against_fixture("costco.com", r)
        n = r["data"]["notable"]
        self.assertEqual(n["ecommerce_platform"], ["SAP Commerce Cloud"])
        self.assertEqual(n["analytics"], ["Google Analytics", "Adobe Analytics"])
        self.assertEqual(sorted(t["name"] for t in r["data"]["fit"]),
                         ["Akamai", "SAP Commerce Cloud"])

    def test_4_synthetic_domain(self):
        r = self.enrich("technology-stack-synthetic.example-pf.com")
        self.assertTrue(r["synthetic"])
        self.assertEqual(self.source(r, "technologies")["origin"], "synthetic")
        self.assertGreaterEqual(r["data"]["technology_count"], 6)
        self.assertEqual(r["missing"], [])

    def test_5_one_operation_failing(self):
        self.fake.fault(provider="builtwith", endpoint="/kw2", error_rate=1.0, error_status=500)
        r = self.enrich("target.com")
        self.assertNotIn("keywords", r["data"])
        self.assertTrue(self.reason(r, "keywords").startswith(
            "builtwith keywords failed: provider_error"), r["missing"])
        self.assertEqual([m["field"] for m in r["missing"]], ["keywords"])
        self.assertEqual([t["name"] for t in r["data"]["technologies"]],
                         [t["name"] for t in fixture("target.com")["technologies"]])

    def test_6_malformed_profile_answer(self):
        self.fake.fault(provider="builtwith", endpoint="/v22", malformed_rate=1.0)
        r = self.enrich("adyen.com")
        for field in ("technologies", "technology_count", "by_category", "notable",
                      "displaceable", "fit", "spend"):
            self.assertNotIn(field, r["data"])
            self.assertTrue(self.reason(r, field).startswith(
                "builtwith domain failed: bad_response"), (field, r["missing"]))
        self.assertEqual(r["data"]["keywords"], fixture("adyen.com")["keywords"])
        self.assertIn("related_domains", r["data"])

    def test_7_builtwith_down(self):
        self.fake.fault(provider="builtwith", down=True)
        reply = self.job("shopify.com")
        self.assertEqual(reply["status"], "failed", reply)
        self.assertEqual([f["module"] for f in reply["failed_modules"]], [MODULE])
        self.assertIn("providers_unavailable", json.dumps(reply["failed_modules"]))


if __name__ == "__main__":
    h.run_tests()
