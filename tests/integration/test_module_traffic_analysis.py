"""test_module_traffic_analysis.py — traffic_analysis end to end, offline.

A coordinator, pf-fakeapi, the similarweb adapter and the real module
actor (`pf module traffic_analysis`).  ENRICH with modules
[traffic_analysis], then the result is checked field by field against
what the emulator serves: the curated traffic in
tools/fakeapi/data/companies/*.json is illustrative, so the test fetches
the same SimilarWeb requests from pf-fakeapi itself and recomputes every
figure (latest month's visits, the 12-month series, mean, 3- and 12-month
growth, mean bounce rate, pages per visit, visit duration, source shares,
top countries) — and checks the countries and the visit levels against the
fixture files too.  Then a synthetic domain is marked synthetic; one call
failing or answering garbage leaves only its facts missing, with the error
as the reason; the visits endpoint failing leaves the visit counts missing
while the window comes from the other answers; and SimilarWeb down fails
the module (nothing true to say).
"""

import json
import math
import os
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402

MODULE = "traffic_analysis"
# The similarweb adapter's rate for the test (requests a minute): its
# default 60 would space the seven calls of a job a second apart.
RPM = 6000
# pf-fakeapi's SimilarWeb limit for the test (requests per window, ms).
FAKE_LIMIT = "similarweb=1000/1000"
FIXTURES = os.path.join(h.PF_SOURCE_DIR, "tools", "fakeapi", "data", "companies")
# The emulator's data ends here (docs/PROVIDERS.md: 12-month series ending
# 2025-12) and it says so in last_updated.
LATEST = (2025, 12)
LAST_UPDATED = "2025-12-31"
# The emulator's monthly values are the fixture's level times 0.9..1.1.
NOISE = (0.9, 1.1)
TOP = 5
# ISO 3166 numeric -> alpha-2 for the countries of the fixtures.
ALPHA2 = {840: "US", 826: "GB", 124: "CA", 392: "JP", 276: "DE", 528: "NL", 356: "IN",
          36: "AU", 484: "MX", 372: "IE"}
# Relative agreement of floats computed in C and here.
PLACES = 9
VISIT_FIELDS = ["monthly_visits", "visits_series", "average_monthly_visits",
                "visits_growth_3m", "visits_growth_12m"]


def fixture(domain):
    with open(os.path.join(FIXTURES, domain + ".json")) as f:
        return json.load(f)["illustrative"]


def month_add(ym, k):
    n = ym[0] * 12 + ym[1] - 1 + k
    return (n // 12, n % 12 + 1)


def fmt(ym):
    return "%04d-%02d" % ym


def half_up(x):
    return int(math.floor(x + 0.5))


class TrafficAnalysisTest(mh.ModuleTest):
    MODULE = MODULE
    ADAPTERS = mh.adapters("similarweb")
    # No cache, so each fault test meets the provider; one attempt per
    # call, so a failing operation fails at once.
    ADAPTER_ARGS = {"similarweb": ["--no-cache", "--retry-attempts", "1", "--rpm", str(RPM)]}
    FAKE_ARGS = ["--limit", FAKE_LIMIT]

    # ---- what the emulator serves -----------------------------------------

    def raw(self, domain, what, months):
        """pf-fakeapi's answer for the months ending at LATEST."""
        query = {"api_key": "integration-test-key", "format": "json",
                 "start_date": fmt(month_add(LATEST, 1 - months)), "end_date": fmt(LATEST),
                 "country": "world", "granularity": "monthly", "main_domain_only": "false"}
        url = "%s/v1/website/%s/%s?%s" % (self.fake.base("similarweb"), domain, what,
                                          urllib.parse.urlencode(query))
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())

    def series(self, domain, metric, months):
        key = metric.replace("-", "_")
        body = self.raw(domain, "total-traffic-and-engagement/" + metric, months)
        return [(p["date"][:7], p[key]) for p in body[key]]

    # ---- checks -------------------------------------------------------------

    def check_against_emulator(self, domain, r, origin="fixture"):
        d = r["data"]
        self.assertEqual(d["period"], {"start": fmt(month_add(LATEST, -11)),
                                       "end": fmt(LATEST), "months": 12})
        self.assertEqual(d["last_updated"], LAST_UPDATED)

        visits = self.series(domain, "visits", 24)
        self.assertEqual([m for m, _ in visits],
                         [fmt(month_add(LATEST, k - 23)) for k in range(24)])
        values = [v for _, v in visits]
        self.assertEqual(d["monthly_visits"], half_up(values[-1]))
        self.assertEqual(d["visits_series"],
                         [{"month": m, "visits": half_up(v)} for m, v in visits[12:]])
        self.assertEqual(d["average_monthly_visits"], half_up(sum(values[12:]) / 12))
        self.assertAlmostEqual(d["visits_growth_3m"],
                               sum(values[-3:]) / sum(values[-6:-3]) - 1, PLACES)
        self.assertAlmostEqual(d["visits_growth_12m"],
                               sum(values[12:]) / sum(values[:12]) - 1, PLACES)

        for field, metric in (("bounce_rate", "bounce-rate"),
                              ("pages_per_visit", "pages-per-visit"),
                              ("average_visit_duration_s", "average-visit-duration")):
            s = self.series(domain, metric, 12)
            self.assertEqual(len(s), 12)
            self.assertAlmostEqual(d[field], sum(v for _, v in s) / 12, PLACES, field)

        body = self.raw(domain, "traffic-sources/overview-share", 12)
        want = []
        for src in body["visits"][domain]:
            pts = src["visits"]
            share = (sum(p["organic"] for p in pts) + sum(p["paid"] for p in pts)) / len(pts)
            want.append((src["source_type"].lower().replace(" ", "_"), share))
        want.sort(key=lambda x: -x[1])
        got = d["traffic_sources"]
        self.assertEqual([s["source_type"] for s in got], [t for t, _ in want])
        for g, (_, share) in zip(got, want):
            self.assertAlmostEqual(g["share"], share, PLACES)
            self.assertAlmostEqual(g["organic"] + g["paid"], share, PLACES)

        records = self.raw(domain, "geo/traffic-by-country", 12)["records"]
        top = sorted(records, key=lambda x: -x["share"])[:TOP]
        self.assertEqual([(c["country"], c["share"], c["visits"]) for c in d["top_countries"]],
                         [(c["country"], c["share"], c["visits"]) for c in top])

        for field, op in (("period", "visits"), ("monthly_visits", "visits"),
                          ("visits_growth_12m", "visits"), ("bounce_rate", "bounce_rate"),
                          ("pages_per_visit", "pages_per_visit"),
                          ("average_visit_duration_s", "average_visit_duration"),
                          ("traffic_sources", "traffic_sources"), ("top_countries", "geo")):
            s = self.source(r, field)
            self.assertEqual((s["kind"], s["provider"], s["op"]), ("provider", "similarweb", op))
            self.assertEqual(s["origin"], origin, field)
        # The probe (no dates) gives the window; the two-year call the visits.
        self.assertNotIn("start_date", self.source(r, "period")["request"])
        self.assertIn("start_date=" + fmt(month_add(LATEST, -23)),
                      self.source(r, "monthly_visits")["request"])
        self.assertEqual(r["missing"], [])
        self.assertEqual(r["synthetic"], origin == "synthetic")

    def check_against_fixture(self, domain, r):
        """The emulator's levels and countries are the fixture's."""
        ill = fixture(domain)
        d = r["data"]
        lo, hi = NOISE
        for p in d["visits_series"]:
            self.assertGreaterEqual(p["visits"], math.floor(ill["monthly_visits"] * lo) - 1)
            self.assertLessEqual(p["visits"], ill["monthly_visits"] * hi)
        self.assertTrue(ill["bounce_rate"] * lo <= d["bounce_rate"] <= ill["bounce_rate"] * hi)
        self.assertTrue(ill["pages_per_visit"] * lo <= d["pages_per_visit"]
                        <= ill["pages_per_visit"] * hi)
        shares = sorted(ill["country_shares"], key=lambda x: -x[1])[:TOP]
        self.assertEqual([(c["country_code"], c["share"]) for c in d["top_countries"]],
                         [(ALPHA2[n], s) for n, s in shares])

    # ---- tests --------------------------------------------------------------

    def test_1_nike(self):
        r = self.enrich("nike.com")
        self.check_against_emulator("nike.com", r)
        self.check_against_fixture("nike.com", r)
        self.assertEqual([c["country_code"] for c in r["data"]["top_countries"]],
                         ["US", "GB", "CA", "JP", "DE"])

    def test_2_every_curated_company(self):
        for domain in ("stripe.com", "shopify.com", "costco.com", "target.com", "adyen.com"):
            with self.subTest(domain=domain):
                r = self.enrich(domain)
                self.check_against_emulator(domain, r)
                self.check_against_fixture(domain, r)
        # adyen.com's largest audience is the Netherlands, target's has 3.
        self.assertEqual(self.enrich("adyen.com")["data"]["top_countries"][0]["country_code"],
                         "NL")
        self.assertEqual(len(self.enrich("target.com")["data"]["top_countries"]), 3)

    def test_3_synthetic_domain(self):
        domain = "traffic-analysis-synthetic.example-pf.com"
        r = self.enrich(domain)
        self.check_against_emulator(domain, r, origin="synthetic")
        self.assertTrue(r["synthetic"])

    def test_4_one_operation_failing(self):
        self.fake.fault(provider="similarweb", endpoint="/v1/website/target.com/geo",
                        error_rate=1.0, error_status=500)
        r = self.enrich("target.com")
        self.assertEqual([m["field"] for m in r["missing"]], ["top_countries"])
        self.assertTrue(self.reason(r, "top_countries").startswith(
            "similarweb geo failed: provider_error"), r["missing"])
        self.assertIn("traffic_sources", r["data"])
        self.assertIn("visits_growth_12m", r["data"])

    def test_5_malformed_answer(self):
        self.fake.fault(provider="similarweb",
                        endpoint="/v1/website/adyen.com/total-traffic-and-engagement/bounce-rate",
                        malformed_rate=1.0)
        r = self.enrich("adyen.com")
        self.assertEqual([m["field"] for m in r["missing"]], ["bounce_rate"])
        self.assertTrue(self.reason(r, "bounce_rate").startswith(
            "similarweb bounce_rate failed: bad_response"), r["missing"])
        self.assertIn("pages_per_visit", r["data"])

    def test_6_visits_failing(self):
        # The probe fails: the five others are asked without dates, the
        # window ends at their newest month, visit counts are missing.
        self.fake.fault(provider="similarweb",
                        endpoint="/v1/website/shopify.com/total-traffic-and-engagement/visits",
                        error_rate=1.0, error_status=503)
        r = self.enrich("shopify.com")
        d = r["data"]
        self.assertEqual(d["period"]["end"], fmt(LATEST))
        self.assertEqual(self.source(r, "period")["op"], "bounce_rate")
        self.assertEqual(sorted(m["field"] for m in r["missing"]), sorted(VISIT_FIELDS))
        for field in VISIT_FIELDS:
            self.assertTrue(self.reason(r, field).startswith("similarweb visits failed: "),
                            (field, r["missing"]))
        s = self.series("shopify.com", "bounce-rate", 12)
        self.assertAlmostEqual(d["bounce_rate"], sum(v for _, v in s) / 12, PLACES)
        self.assertEqual(len(d["top_countries"]), TOP)

    def test_7_similarweb_down(self):
        self.fake.fault(provider="similarweb", down=True)
        reply = self.job("costco.com")
        self.assertEqual(reply["status"], "failed", reply)
        self.assertEqual([f["module"] for f in reply["failed_modules"]], [MODULE])
        self.assertIn("providers_unavailable", json.dumps(reply["failed_modules"]))


if __name__ == "__main__":
    h.run_tests()
