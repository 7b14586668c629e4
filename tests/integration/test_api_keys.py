"""test_api_keys.py — where api keys are configured, ENRICH and BATCH need one.

A coordinator started with --api-keys answers unauthorized for a missing or
unknown key, accepts a known one, and answers rate_limited (with
retry_after_ms) once a key's requests per minute are spent — while PING
and STATUS keep working without a key.  The pf command sends the key from
--api-key or PF_API_KEY.
"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402


class ApiKeysTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = tempfile.NamedTemporaryFile("w", prefix="pf-keys-", delete=False)
        cls.keys.write("# test keys\nk-open\nk-limited 2\n\nk-cli 0\n")
        cls.keys.close()
        cls.c = h.Constellation(modules=[], coordinator_args=["--api-keys", cls.keys.name])
        cls.c.start(warm=False)
        cls.client = cls.c.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.stop()
        os.unlink(cls.keys.name)

    def test_missing_and_unknown_key(self):
        r = self.client.request("ENRICH", domain="stripe.com")
        self.assertEqual((r.command, r["code"]), ("ERROR", "unauthorized"))
        r = self.client.request("ENRICH", domain="stripe.com", api_key="k-nope")
        self.assertEqual((r.command, r["code"]), ("ERROR", "unauthorized"))
        r = self.client.request("BATCH", domains=["stripe.com"], api_key="k-nope")
        self.assertEqual((r.command, r["code"]), ("ERROR", "unauthorized"))
        self.assertEqual(self.client.request("PING").command, "PONG")

    def test_known_key_accepted_and_status_needs_none(self):
        r = self.client.request("ENRICH", domain="stripe.com", api_key="k-open")
        self.assertEqual(r.command, "ACCEPTED")
        s = self.client.request("STATUS", job_id=r["job_id"])
        self.assertEqual(s.command, "STATUS")

    def test_idempotency_keys_are_scoped_by_api_key(self):
        a1 = self.client.request("ENRICH", domain="stripe.com", api_key="k-open",
                                 idempotency_key="same")
        a2 = self.client.request("ENRICH", domain="stripe.com", api_key="k-open",
                                 idempotency_key="same")
        b1 = self.client.request("ENRICH", domain="stripe.com", api_key="k-cli",
                                 idempotency_key="same")
        self.assertEqual(a1["job_id"], a2["job_id"])
        self.assertNotEqual(a1["job_id"], b1["job_id"])

    def test_rate_limited_after_allowance(self):
        codes = []
        for _ in range(3):
            r = self.client.request("ENRICH", domain="shopify.com", api_key="k-limited")
            codes.append(r.command if r.command != "ERROR" else r["code"])
            last = r
        self.assertEqual(codes, ["ACCEPTED", "ACCEPTED", "rate_limited"])
        self.assertGreater(last["retry_after_ms"], 0)
        self.assertLessEqual(last["retry_after_ms"], 60000)

    def test_cli_sends_key(self):
        env = self.c.env()
        env.pop("PF_API_KEY", None)
        out = subprocess.run([h.PF_BIN, "enrich", "nike.com", "--async", "--json"], env=env,
                             capture_output=True, text=True, timeout=30)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("unauthorized", out.stderr)
        out = subprocess.run([h.PF_BIN, "enrich", "nike.com", "--async", "--json",
                              "--api-key", "k-cli"], env=env, capture_output=True, text=True,
                             timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("job_", out.stdout)
        env["PF_API_KEY"] = "k-cli"
        out = subprocess.run([h.PF_BIN, "enrich", "nike.com", "--async"], env=env,
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)


if __name__ == "__main__":
    h.run_tests()
