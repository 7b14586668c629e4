"""test_module_buying_committee.py — buying_committee end to end, offline.

A coordinator, pf-fakeapi, the adapters, and the real company_context,
strategic_context, hiring_signals, executive_intelligence and
buying_committee actors.  ENRICH with modules [buying_committee]: for
nike.com Yahoo names no digital or technology officer (the fixture's
verified officers are the CEO and the CFO), so the chief executive is the
economic buyer, named, and the other personas come from the emulator's
illustrative job postings, unnamed, each with its reason; for stripe.com
(private: no officers) the economic buyer is missing with the reason while
hiring still fills personas; with the searches down (hiring_signals
fails) the CEO from Yahoo is still the economic buyer and the personas that
needed hiring are missing with the reason.
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
    ADAPTERS = {"builtwith": ("keywords", {"domain": "nike.com"}),
                "yahoo_finance": ("search", {"query": "nike"}),
                "sec_edgar": ("cik", {"ticker": "NKE"}),
                "websearch": ("web", {"query": "nike.com"})}
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
        # Enterprise; Infrastructure Engineer) touch no search or commerce.
        self.assertIn("hiring_signals", self.reason(r, "user"))
        self.assertEqual(d["company"], "Stripe, Inc.")
        self.assertFalse(r["synthetic"])

    def test_3_searches_down_degrades(self):
        # hiring_signals and strategic_context fail; Yahoo still names the CEO.
        self.fake.fault(provider="websearch", down=True)
        reply = self.job("costco.com")
        self.assertIn("hiring_signals", [m["module"] for m in reply["failed_modules"]])
        r = reply["results"][self.MODULE]
        self.check_shape(r)
        self.assertEqual(r["data"]["economic_buyer"]["name"], "Ron Vachris")
        self.assertIn("hiring_signals gave no result", self.reason(r, "user"))
        self.assertIn("hiring_signals gave no result", self.reason(r, "champion"))
        self.assertEqual(r["data"]["personas_filled"], 1)

if __name__ == "__main__":
    h.run_tests()
