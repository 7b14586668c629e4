"""test_module_buying_committee.py — buying_committee end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context,
strategic_context, hiring_signals, executive_intelligence and
buying_committee actors.  ENRICH with modules [buying_committee]: for
nike.com Yahoo names no digital or technology officer (the fixture's
verified officers are the CEO and the CFO), so the chief executive is the
economic buyer, named, and the other personas come from the emulator's
illustrative job postings, unnamed, each with its reason; for stripe.com
(private: no Yahoo officers) the chief executive found on the web signs,
hiring fills the technical evaluator with the posting's title without the
emulator's " - Stripe Careers" suffix, and the user, with no posting for
it, is the seller profile's titles to look for with the name missing; a
synthetic company (no officers, no fitting posting) still completes with
the four personas from the profile; with the searches down (hiring_signals
fails) the CEO from Yahoo is still the economic buyer and the personas that
needed hiring are the profile's, their names missing with the reason.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402
import module_harness as mh  # noqa: E402


class BuyingCommitteeTest(mh.ModuleTest):
    MODULE = "buying_committee"
    UPSTREAM = ["company_context", "strategic_context", "hiring_signals",
                "executive_intelligence"]
    ADAPTERS = mh.adapters("builtwith", "yahoo_finance", "sec_edgar", "websearch")
    ADAPTER_ARGS = {"websearch": ["--no-cache", "--retry-attempts", "1"]}

    def test_1_nike(self):
        r = self.enrich("nike.com")
        d = r["data"]
        buyer = d["economic_buyer"]
        self.assertEqual(buyer["name"], "Elliott Hill")
        self.assertEqual(buyer["basis"], "executive")
        self.assertIn("chief executive signs", buyer["reason"])
        self.assertEqual(self.source(r, "economic_buyer"),
                         {"kind": "module", "module": "executive_intelligence"})
        # The illustrative postings: "Senior Software Engineer, Digital
        # Commerce", "Director, Data Engineering", "Product Manager, Membership".
        for persona in ("technical_evaluator", "user"):
            self.assertIsNone(d[persona]["name"], persona)
            self.assertEqual(d[persona]["basis"], "hiring", persona)
            self.assertEqual(self.source(r, persona),
                             {"kind": "module", "module": "hiring_signals"})
            self.assertNotIn("Careers", d[persona]["title"], persona)
            self.assertNotIn("NIKE", d[persona]["title"], persona)
        self.assertEqual(d["company"], "NIKE, Inc.")
        self.assertGreaterEqual(d["personas_filled"], 3)
        self.assertFalse(r["synthetic"])

    def test_2_private_company(self):
        # Stripe is private: its chief executive (public record) is found on
        # the web by executive_intelligence and signs as the economic buyer.
        r = self.enrich("stripe.com")
        d = r["data"]
        buyer = d["economic_buyer"]
        self.assertEqual((buyer["name"], buyer["title"]),
                         ("Patrick Collison", "Co-Founder and Chief Executive Officer"))
        self.assertEqual(buyer["basis"], "executive")
        self.assertEqual(self.source(r, "economic_buyer"),
                         {"kind": "module", "module": "executive_intelligence"})
        # The postings (Software Engineer, Payments; Account Executive,
        # Enterprise; Infrastructure Engineer), each titled "… - Stripe
        # Careers" by the search: engineering evaluates, the title clean.
        tech = d["technical_evaluator"]
        self.assertEqual((tech["basis"], tech["title"]), ("hiring", "Software Engineer, Payments"))
        self.assertIn('hiring "Software Engineer, Payments"', tech["reason"])
        # None touches search or commerce: the user is the profile's titles.
        user = d["user"]
        self.assertEqual(user["basis"], "profile")
        self.assertIsNone(user["name"])
        self.assertIn("Search Merchandiser", user["look_for"])
        self.assertIn("hiring_signals shows no e-commerce, search or product posting",
                      self.reason(r, "user.name"))
        self.assertTrue(self.source(r, "user")["how"].startswith("the seller profile's personas"))
        self.assertEqual(d["company"], "Stripe, Inc.")
        self.assertFalse(r["synthetic"])

    def test_2b_synthetic_company_degrades(self):
        # No officers and no fitting posting: the four personas are the
        # profile's titles, no one named; the module completes.
        r = self.enrich("committee-synthetic-widgets.example-pf.com")
        d = r["data"]
        self.assertTrue(r["synthetic"])
        for persona in ("economic_buyer", "champion", "technical_evaluator", "user"):
            if d[persona]["basis"] == "profile":
                self.assertIsNone(d[persona]["name"], persona)
                self.assertTrue(d[persona]["look_for"], persona)
                self.assertTrue(self.reason(r, persona + ".name"), persona)
            else:
                self.assertEqual(d[persona]["basis"], "hiring", persona)
                self.assertNotIn("Careers", d[persona]["title"], persona)
        self.assertEqual(d["personas_filled"] + d["personas_unnamed"], 4)
        self.assertEqual(d["economic_buyer"]["basis"], "profile")

    def test_3_searches_down_degrades(self):
        # hiring_signals and strategic_context fail; Yahoo still names the CEO.
        self.fake.fault(provider="websearch", down=True)
        reply = self.job("costco.com")
        self.assertIn("hiring_signals", [m["module"] for m in reply["failed_modules"]])
        r = reply["results"][self.MODULE]
        self.check_shape(r)
        self.assertEqual(r["data"]["economic_buyer"]["name"], "Ron Vachris")
        self.assertIn("hiring_signals gave no result", self.reason(r, "user.name"))
        self.assertIn("hiring_signals gave no result", self.reason(r, "champion.name"))
        self.assertEqual(r["data"]["champion"]["basis"], "profile")
        self.assertEqual(r["data"]["personas_filled"], 1)
        self.assertEqual(r["data"]["personas_unnamed"], 3)

if __name__ == "__main__":
    h.run_tests()
