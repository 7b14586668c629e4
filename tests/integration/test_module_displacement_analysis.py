"""test_module_displacement_analysis.py — displacement_analysis end to end, offline.

A coordinator, pf-fakeapi, the five adapters and the real company_context,
technology_stack, competitor_intelligence and displacement_analysis actors
(with the shipped seller profile).  ENRICH with modules
[displacement_analysis]; the result is checked against the upstream results
of the same job and the profile's "displacement" weights: Stripe runs
Algolia (the incumbent, with its first detection as "since"), Nike runs
nothing the seller displaces (the incumbent is missing, with the reason);
every score is recomputed from the components' rules.  With SimilarWeb down
competitor_intelligence fails and the competitors on the product are
missing while the rest still answers.
"""

import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

MODULE = "displacement_analysis"
RPM = "6000"
BREAKER = "1000"
PROFILE = os.path.join(h.PF_SOURCE_DIR, "modules", "profiles", "site-search.json")
MS_PER_YEAR = 86400 * 1000 * 365.25
PLACES = 9


def profile():
    with open(PROFILE) as f:
        return json.load(f)


def date(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%d")


def points(weight, amount, full):
    return 0 if amount <= 0 else weight * min(1.0, amount / full)


class DisplacementAnalysisTest(mh.ModuleTest):
    MODULE = MODULE
    UPSTREAM = ["company_context", "technology_stack", "competitor_intelligence"]
    ADAPTERS = mh.adapters("similarweb", "builtwith", "yahoo_finance", "sec_edgar", "websearch",
                           similarweb=("similar_sites", {"domain": "nike.com"}))
    ADAPTER_ARGS = {name: ["--no-cache", "--retry-attempts", "1", "--rpm", RPM,
                           "--breaker-failures", BREAKER]
                    for name in ("similarweb", "builtwith")}
    FAKE_ARGS = ["--no-limits"]

    def run_job(self, domain):
        """The module's result and the job's (the module must complete)."""
        reply = self.job(domain)
        self.assertIn(MODULE, reply["completed_modules"], "%r\n%s" % (reply, self.c.logs()))
        r = reply["results"][MODULE]
        self.check_shape(r)
        return r, reply

    def check_score(self, r, tech):
        """The components and the score, recomputed from their rules."""
        w = profile()["displacement"]
        d = r["data"]
        comps = {c["component"]: c for c in d["opportunity"]["components"]}
        self.assertEqual(sorted(comps), sorted(w["weights"]))
        for name, c in comps.items():
            self.assertEqual(c["weight"], w["weights"][name])
        inc = d.get("incumbent")
        self.assertEqual(comps["incumbent"]["points"], w["weights"]["incumbent"] if inc else 0)
        tenure = inc["tenure_years"] if inc and "tenure_years" in inc else 0
        self.assertAlmostEqual(comps["tenure"]["points"],
                               points(w["weights"]["tenure"], tenure, w["full"]["tenure_years"]),
                               PLACES)
        self.assertAlmostEqual(comps["switching"]["points"],
                               points(w["weights"]["switching"], len(d["switching_signals"]),
                                      w["full"]["switching"]), PLACES)
        peers = len(d.get("competitors_on_product", []))
        self.assertAlmostEqual(comps["peers"]["points"],
                               points(w["weights"]["peers"], peers, w["full"]["peers"]), PLACES)
        total = sum(c["points"] for c in comps.values())
        self.assertEqual(d["opportunity"]["score"], int(total + 0.5))
        self.assertTrue(0 <= d["opportunity"]["score"] <= 100)
        self.assertEqual(self.source(r, "opportunity")["kind"], "derived")
        # The fit platforms are a switching signal when the stack has any.
        fit = [t["name"] for t in tech["data"]["fit"]]
        sig = {s["signal"]: s for s in d["switching_signals"]}
        if fit:
            self.assertEqual(sig["fit_platform"]["technologies"], fit)
        else:
            self.assertNotIn("fit_platform", sig)
        self.assertEqual(d["seller"], {"name": "Example Search",
                                       "product": "Example Search Discovery Cloud",
                                       "sample": True})

    def test_1_stripe_algolia_incumbent(self):
        r, reply = self.run_job("stripe.com")
        tech = reply["results"]["technology_stack"]
        d = r["data"]
        algolia = [t for t in tech["data"]["technologies"] if t["name"] == "Algolia"][0]
        inc = d["incumbent"]
        self.assertEqual((inc["name"], inc["profile_name"]), ("Algolia", "Algolia"))
        self.assertEqual(inc["since"], date(algolia["first_detected"]))
        self.assertEqual(inc["last_seen"], date(algolia["last_detected"]))
        self.assertAlmostEqual(inc["tenure_years"],
                               (algolia["last_detected"] - algolia["first_detected"])
                               / MS_PER_YEAR, PLACES)
        self.assertEqual([t["name"] for t in d["displaceable"]], ["Algolia"])
        self.assertEqual(self.source(r, "incumbent"),
                         {"kind": "module", "module": "technology_stack"})
        # The sample seller runs on no real site.
        self.assertEqual(d["competitors_on_product"], [])
        self.assertEqual(self.source(r, "competitors_on_product"),
                         {"kind": "module", "module": "competitor_intelligence"})
        self.check_score(r, tech)
        self.assertGreaterEqual(d["opportunity"]["score"],
                                profile()["displacement"]["weights"]["incumbent"])
        self.assertEqual(r["missing"], [])

    def test_2_nike_nothing_to_displace(self):
        r, reply = self.run_job("nike.com")
        self.assertNotIn("incumbent", r["data"])
        self.assertEqual(self.reason(r, "incumbent"),
                         "technology_stack detected no technology the seller can displace")
        self.assertEqual(r["data"]["displaceable"], [])
        self.check_score(r, reply["results"]["technology_stack"])
        comps = {c["component"]: c for c in r["data"]["opportunity"]["components"]}
        self.assertEqual(comps["incumbent"]["points"], 0)
        self.assertEqual(comps["tenure"]["points"], 0)

    def test_3_competitors_failing(self):
        # competitor_intelligence fails (its similar_sites call); the
        # optional input is absent and the rest still answers.
        self.fake.fault(provider="similarweb", down=True)
        r, reply = self.run_job("target.com")
        self.assertEqual([f["module"] for f in reply["failed_modules"]],
                         ["competitor_intelligence"])
        self.assertNotIn("competitors_on_product", r["data"])
        self.assertEqual(self.reason(r, "competitors_on_product"),
                         "competitor_intelligence gave no result")
        self.check_score(r, reply["results"]["technology_stack"])
        peers = [c for c in r["data"]["opportunity"]["components"] if c["component"] == "peers"]
        self.assertTrue(peers[0]["reason"].startswith("unknown: "))

    def test_4_builtwith_down_fails(self):
        # technology_stack (required) fails: nothing true to say.
        self.fake.fault(provider="builtwith", down=True)
        reply = self.job("costco.com")
        failed = [f["module"] for f in reply["failed_modules"]]
        self.assertIn("technology_stack", failed)
        self.assertNotIn(MODULE, reply.get("results", {}))


if __name__ == "__main__":
    h.run_tests()
