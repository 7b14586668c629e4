"""test_bad_input.py — every malformed PFP/1 request gets the right ERROR, and the server carries on.

Each case sends raw frames on a DEALER socket, expects ERROR with the code
docs/PROTOCOL.md names (and req_id echoed where the body could be read), and
then insists the coordinator still answers a good PING on the same socket.
Covers framing, version, command, msgpack bodies (hostile length headers,
deep nesting, trailing bytes), field types, NUL bytes, size limits, domain
validation, module names, batch limits, unknown ids and the busy bound.
"""

import os
import sys
import unittest

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

BATCH_MAX = 5          # the coordinator's --batch-max in these tests
MAX_QUEUED = 3         # --max-queued-jobs of the busy coordinator
NO_JOB = "job_" + "0" * 24
NO_BATCH = "batch_" + "0" * 24

V = h.VERSION
pack = h.pack


def body(**fields):
    return pack(fields)


def ping(req_id="p"):
    return body(req_id=req_id)


INVALID_DOMAINS = [
    # IP literals, in the spellings resolvers accept
    "1.2.3.4", "127.0.0.1", "8.8.8.8.", "127.1", "10.1", "2130706433", "0x7f000001",
    "0x7f.0.0.1", "0177.0.0.1", "017700000001", "[::1]", "::1", "[2001:db8::1]",
    "2001:db8::1", "::ffff:127.0.0.1", "[::ffff:7f00:1]",
    # local names
    "localhost", "LOCALHOST", "localhost.", "foo.localhost", "printer.local",
    "db.internal",
    # single labels, empty labels
    "intranet", "com", "stripe..com", ".stripe.com", "stripe.com..", ".",
    # lengths: a 64-byte label; a 255-byte name of 63-byte labels
    "a" * 64 + ".com", ".".join(["a" * 63] * 4),
    # characters outside letters, digits, hyphen; hyphen placement
    "exa_mple.com", "exa mple.com", "bad!.com", "-lead.com", "trail-.com",
    "http://stripe.com", "stripe.com/path", "user@stripe.com", "stripe.com:443",
    "stripe.com\t", "foo.123", "back\\slash.com", "per%cent.com", "ctl\x01.com",
    "nul\x7f.com", "new\nline.com",
    # IDNA that does not convert: a disallowed code point, a bad A-label,
    # a label that turns into nothing, bidi rule breakage
    "\u2665\ufe0f\u200d.com", "xn--zz.com", "xn--.com", "\u00ad.com", "a\u05d0.com",
    # more local names and reserved suffixes
    "host.localdomain", "router.home.arpa", "example.test", "site.invalid",
]


class BadInputTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # No module actors: nothing here needs a job to run.
        cls.c = h.Constellation(modules=[], coordinator_args=["--batch-max", str(BATCH_MAX)])
        cls.c.start(warm=False)
        cls.dealer = cls.c.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    # -- helpers ----------------------------------------------------------
    def still_serving(self, client=None):
        client = client or self.dealer
        self.assertTrue(self.c.coordinator.alive(), self.c.logs())
        pong = client.ping(timeout=10)
        self.assertEqual(pong.command, "PONG")

    def expect_error(self, frames, code, req_id=None, client=None):
        """Sends raw frames (after the DEALER's own nothing: frames include
        the delimiter); expects ERROR code; then a good PING."""
        client = client or self.dealer
        client.send_frames(frames)
        raw = client.recv_frames(10)
        self.assertIsNotNone(raw, "no reply to %r" % ([f[:40] for f in frames],))
        reply = client.parse(raw)
        self.assertEqual(reply.command, "ERROR", reply)
        self.assertEqual(reply["code"], code, reply)
        self.assertIsInstance(reply["message"], str)
        self.assertTrue(reply["message"])
        self.assertIsInstance(reply["req_id"], str)
        if req_id is not None:
            self.assertEqual(reply["req_id"], req_id, reply)
        self.still_serving(client)
        return reply

    def expect_cmd_error(self, command, fields, code, echo=True):
        # req_id first: the server reads it back even when a later field is
        # unusable.
        fields = dict({"req_id": "bad-%s" % command.lower()}, **fields)
        return self.expect_error([b"", V, command.encode(), pack(fields)], code,
                                 fields["req_id"] if echo else None)

    # -- framing ------------------------------------------------------------
    def test_frame_counts(self):
        cases = {
            "delimiter only": [b""],
            "no command": [b"", V],
            "no body": [b"", V, b"PING"],
            "extra frame": [b"", V, b"PING", ping(), b""],
            "two bodies": [b"", V, b"PING", ping(), ping()],
            "twelve frames": [b"", V, b"PING", ping()] + [b"x"] * 8,
            "no delimiter": [V, b"PING", ping()],
        }
        for name, frames in cases.items():
            with self.subTest(name):
                self.expect_error(frames, "bad_request")

    def test_non_empty_delimiter(self):
        self.expect_error([b"x", V, b"PING", ping()], "bad_request")
        self.expect_error([b"\x00", V, b"PING", ping()], "bad_request")

    def test_wrong_version(self):
        for version in (b"PFP/2", b"PFP/0", b"pfp/1", b"PFP/1 ", b"PFP/1\x00", b"", b"PFA/1",
                        b"PFP/10"):
            with self.subTest(version=version):
                self.expect_error([b"", version, b"PING", ping()], "unsupported_version")

    def test_unknown_command(self):
        for command in (b"FOO", b"ping", b"Ping", b"", b"PONG", b"ERROR", b"ACCEPTED",
                        b"PING\x00", b"PING ", b"\xff\xfe"):
            with self.subTest(command=command):
                self.expect_error([b"", V, command, ping("uc")], "bad_request")

    # -- msgpack bodies -----------------------------------------------------
    def test_body_not_msgpack(self):
        for raw in (b"", b"\xc1", b"\x81", b"\x81\xa6req_id", b"\x81\xa6req_id\xa5ab",
                    b"\xd4\x01\x00", b"{\"req_id\": \"x\"}"):
            with self.subTest(raw=raw):
                self.expect_error([b"", V, b"PING", raw], "bad_request")

    def test_body_not_a_map(self):
        for value in ([1, 2], "req_id", 5, None, True, 1.5, b"bin", ["req_id", "x"]):
            with self.subTest(value=value):
                self.expect_error([b"", V, b"PING", pack(value)], "bad_request")

    def test_map_with_non_string_keys(self):
        self.expect_error([b"", V, b"PING", pack({1: "x"})], "bad_request")
        self.expect_error([b"", V, b"PING", msgpack.packb({"req_id": "k", b"bin": 1},
                                                          use_bin_type=True)], "bad_request")

    def test_trailing_bytes(self):
        for tail in (b"\xc0", b"\x00", ping()):
            with self.subTest(tail=tail):
                self.expect_error([b"", V, b"PING", ping("t") + tail], "bad_request")

    def test_huge_length_headers(self):
        # Five bytes claiming 2^32-1 elements or bytes: must cost nothing.
        cases = {
            "array32": b"\xdd\xff\xff\xff\xff",
            "map32": b"\xdf\xff\xff\xff\xff",
            "str32": b"\xdb\xff\xff\xff\xff",
            "bin32": b"\xc6\xff\xff\xff\xff",
            "map16": b"\xde\xff\xff",
            "req_id str32": b"\x81\xa6req_id\xdb\xff\xff\xff\xff",
            "domain array32": b"\x82\xa6req_id\xa1x\xa6domain\xdd\xff\xff\xff\xff",
            "modules array32": b"\x83\xa6req_id\xa1x\xa6domain\xa5a.com\xa7modules\xdd\xff\xff\xff\xff",
            "inner map32": b"\x82\xa6req_id\xa1x\xa7modules\x91\xdf\xff\xff\xff\xff",
        }
        for name, raw in cases.items():
            with self.subTest(name):
                command = b"ENRICH" if b"domain" in raw or b"modules" in raw else b"PING"
                self.expect_error([b"", V, command, raw], "bad_request")

    def test_deep_nesting(self):
        cases = {
            "arrays 100k": b"\x91" * 100000 + b"\xc0",
            "maps 50k": b"\x81\xa1k" * 50000 + b"\xc0",
            "modules nested 40": b"\x82\xa6req_id\xa1d\xa7modules" + b"\x91" * 40 + b"\xa1x",
            "field nested 20": pack({"req_id": "d", "domain": [[[[[[[[[[[[[[[[[[[["a.com"]]]]]]]]]]]]]]]]]]]]}),
        }
        for name, raw in cases.items():
            with self.subTest(name):
                self.expect_error([b"", V, b"ENRICH", raw], "bad_request")

    # -- fields -------------------------------------------------------------
    def test_wrong_field_types(self):
        cases = [
            ("PING", {"req_id": 5}, False),
            ("PING", {"req_id": None}, False),
            ("PING", {"req_id": b"bytes"}, False),
            ("PING", {"req_id": ["x"]}, False),
            ("PING", {}, False),
            ("ENRICH", {"domain": 5}, True),
            ("ENRICH", {"domain": b"stripe.com"}, True),
            ("ENRICH", {}, True),
            ("ENRICH", {"domain": "stripe.com", "modules": "all"}, True),
            ("ENRICH", {"domain": "stripe.com", "modules": [1]}, True),
            ("ENRICH", {"domain": "stripe.com", "modules": {"all": True}}, True),
            ("ENRICH", {"domain": "stripe.com", "priority": "urgent"}, True),
            ("ENRICH", {"domain": "stripe.com", "priority": 1}, True),
            ("ENRICH", {"domain": "stripe.com", "async": "yes"}, True),
            ("ENRICH", {"domain": "stripe.com", "async": 1}, True),
            ("ENRICH", {"domain": "stripe.com", "idempotency_key": 7}, True),
            ("ENRICH", {"domain": "stripe.com", "api_key": 7}, True),
            ("BATCH", {"domains": "a.com"}, True),
            ("BATCH", {"domains": [1, 2]}, True),
            ("BATCH", {}, True),
            ("BATCH", {"domains": ["a.com"], "max_concurrency": 0}, True),
            ("BATCH", {"domains": ["a.com"], "max_concurrency": -1}, True),
            ("BATCH", {"domains": ["a.com"], "max_concurrency": "10"}, True),
            ("BATCH", {"domains": ["a.com"], "max_concurrency": 1.5}, True),
            ("BATCH", {"domains": ["a.com"], "max_concurrency": 2 ** 40}, True),
            ("BATCH", {"domains": ["a.com"], "priority": "now"}, True),
            ("STATUS", {"job_id": 5}, True),
            ("STATUS", {}, True),
            ("STATUS", {"job_id": NO_JOB, "batch_id": NO_BATCH}, True),
            ("RESULTS", {}, True),
            ("RESULTS", {"job_id": NO_JOB, "include_partial": "yes"}, True),
            ("RESULTS", {"job_id": NO_JOB, "include_partial": 1}, True),
            ("RESULTS", {"batch_id": NO_BATCH}, True),
            ("CANCEL", {"job_id": []}, True),
            ("CANCEL", {}, True),
        ]
        for command, fields, echo in cases:
            with self.subTest(command=command, fields=fields):
                if echo:
                    fields = dict(fields, req_id="ft")
                self.expect_error([b"", V, command.encode(), pack(fields)], "bad_request",
                                  "ft" if echo else None)

    def test_strings_with_nul(self):
        self.expect_cmd_error("PING", {"req_id": "a\x00b"}, "bad_request", echo=False)
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com\x00evil.com"}, "bad_request")
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com", "modules": ["company_context\x00"]},
                              "bad_request")
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com", "idempotency_key": "k\x00"},
                              "bad_request")
        self.expect_cmd_error("BATCH", {"domains": ["a.com", "b.com\x00"]}, "bad_request")
        self.expect_cmd_error("STATUS", {"job_id": NO_JOB + "\x00"}, "bad_request")

    def test_req_id_length(self):
        self.expect_cmd_error("PING", {"req_id": "x" * 65}, "bad_request", echo=False)
        self.expect_cmd_error("PING", {"req_id": "x" * 1000}, "bad_request", echo=False)
        # Exactly 64 bytes is fine (here 32 two-byte characters).
        for req_id in ("y" * 64, "\u00e9" * 32):
            reply = self.dealer.request("PING", req_id=req_id)
            self.assertEqual(reply.command, "PONG")
            self.assertEqual(reply["req_id"], req_id)

    def test_unknown_keys(self):
        self.expect_cmd_error("PING", {"extra": 1}, "bad_request")
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com", "domains": ["a.com"]},
                              "bad_request")
        self.expect_cmd_error("BATCH", {"domains": ["a.com"], "domain": "a.com"}, "bad_request")
        self.expect_cmd_error("STATUS", {"job_id": NO_JOB, "include_partial": True},
                              "bad_request")

    def test_oversize(self):
        # One string over the per-string cap (1 MiB).
        self.expect_cmd_error("ENRICH", {"domain": "a" * (2 << 20)}, "bad_request")
        # A body over the 4 MiB body cap made of strings under the string cap.
        domains = ["%d%s.com" % (i, "a" * (900 << 10)) for i in range(6)]
        self.expect_cmd_error("BATCH", {"domains": domains}, "bad_request", echo=False)
        # Too many names in modules (cap 64).
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com",
                                         "modules": ["company_context"] * 65}, "bad_request")

    def test_frame_over_transport_cap(self):
        # Over the sockets' 32 MiB message cap the connection is dropped (no
        # reply can be sent); the server goes on serving everyone else.
        big = self.c.client()
        big.send_frames([b"", V, b"PING", b"\xc6" + (33 << 20).to_bytes(4, "big")
                         + b"\0" * (33 << 20)])
        self.still_serving(self.c.client())
        self.still_serving(self.c.client(zmq.REQ))

    # -- semantic errors ------------------------------------------------------
    def test_invalid_domains(self):
        for domain in INVALID_DOMAINS:
            with self.subTest(domain=domain):
                self.expect_cmd_error("ENRICH", {"domain": domain}, "invalid_domain")

    def test_idna_that_converts_is_accepted_in_a_label_form(self):
        for raw, alabel in (("b\u00fccher.de", "xn--bcher-kva.de"),
                            ("M\u00dcNCHEN.example.com", "xn--mnchen-3ya.example.com"),
                            ("xn--bcher-kva.de", "xn--bcher-kva.de")):
            with self.subTest(domain=raw):
                acc = self.dealer.request("ENRICH", domain=raw, modules=["company_context"])
                self.assertEqual(acc.command, "ACCEPTED", acc)
                st = self.dealer.request("STATUS", job_id=acc["job_id"])
                self.assertEqual(st["domain"], alabel)
        self.still_serving()

    def test_invalid_domains_in_batch_are_rejected_one_by_one(self):
        domains = INVALID_DOMAINS[:BATCH_MAX - 1] + ["valid-one.com"]
        reply = self.dealer.request("BATCH", req_id="bi", domains=domains)
        self.assertEqual(reply.command, "ACCEPTED", reply)
        self.assertEqual(len(reply["job_ids"]), 1)
        self.assertEqual(sorted(r["domain"] for r in reply["rejected"]),
                         sorted(domains[:BATCH_MAX - 1]))
        for r in reply["rejected"]:
            self.assertEqual(r["code"], "invalid_domain")
        self.still_serving()

    def test_unknown_module(self):
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com",
                                         "modules": ["company_context", "no_such_module"]},
                              "unknown_module")
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com", "modules": ["Company_Context"]},
                              "unknown_module")
        self.expect_cmd_error("BATCH", {"domains": ["a-corp.com"], "modules": ["nope"]},
                              "unknown_module")

    def test_unknown_module_next_to_all(self):
        # "all" does not hide an unknown name next to it.
        self.expect_cmd_error("ENRICH", {"domain": "stripe.com", "modules": ["all", "nope"]},
                              "unknown_module")

    def test_batch_size(self):
        self.expect_cmd_error("BATCH", {"domains": []}, "bad_request")
        over = ["over-%d.com" % i for i in range(BATCH_MAX + 1)]
        self.expect_cmd_error("BATCH", {"domains": over}, "bad_request")
        at = ["at-limit-%d.com" % i for i in range(BATCH_MAX)]
        reply = self.dealer.request("BATCH", domains=at)
        self.assertEqual(reply.command, "ACCEPTED", reply)
        self.assertEqual(len(reply["job_ids"]), BATCH_MAX)

    def test_unknown_ids_are_not_found(self):
        self.expect_cmd_error("STATUS", {"job_id": NO_JOB}, "not_found")
        self.expect_cmd_error("STATUS", {"batch_id": NO_BATCH}, "not_found")
        self.expect_cmd_error("RESULTS", {"job_id": NO_JOB}, "not_found")
        self.expect_cmd_error("RESULTS", {"job_id": NO_JOB, "include_partial": True}, "not_found")
        self.expect_cmd_error("CANCEL", {"job_id": NO_JOB}, "not_found")
        self.expect_cmd_error("CANCEL", {"batch_id": NO_BATCH}, "not_found")

    def test_not_ready_without_actors(self):
        # No actor serves anything here, so a job stays unfinished.
        acc = self.dealer.request("ENRICH", domain="waits-forever.com")
        self.assertEqual(acc.command, "ACCEPTED", acc)
        self.expect_cmd_error("RESULTS", {"job_id": acc["job_id"]}, "not_ready")
        part = self.dealer.request("RESULTS", job_id=acc["job_id"], include_partial=True)
        self.assertEqual(part.command, "RESULT", part)
        self.assertEqual(part["results"], {})
        self.assertEqual(sorted(part["pending_modules"]), sorted(h.MODULES))

    def test_garbage_burst_then_ping(self):
        # Many bad requests pipelined: each answered, in order, then PONG.
        frames = [[b"", V, b"NOPE", ping("g%d" % i)] for i in range(200)]
        for f in frames:
            self.dealer.send_frames(f)
        for i in range(200):
            reply = self.dealer.recv(10)
            self.assertEqual((reply.command, reply["code"], reply["req_id"]),
                             ("ERROR", "bad_request", "g%d" % i))
        self.still_serving()


class BusyTest(unittest.TestCase):
    """--max-queued-jobs bounds unfinished jobs; past it nothing is accepted."""

    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(modules=[], coordinator_args=["--max-queued-jobs", str(MAX_QUEUED)])
        cls.c.start(warm=False)
        cls.dealer = cls.c.client()

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    def enrich(self, domain, **fields):
        return self.dealer.request("ENRICH", domain=domain, **fields)

    def assert_busy(self, reply, req_id=None):
        self.assertEqual(reply.command, "ERROR", reply)
        self.assertEqual(reply["code"], "busy", reply)
        if req_id:
            self.assertEqual(reply["req_id"], req_id)
        self.assertEqual(self.dealer.ping().command, "PONG")

    def test_busy_bound(self):
        first = self.enrich("busy-1.com")
        self.assertEqual(first.command, "ACCEPTED", first)
        self.assertEqual(self.enrich("busy-2.com").command, "ACCEPTED")
        # One slot left: a batch of two would overflow, so it takes nothing.
        self.assert_busy(self.dealer.request("BATCH", req_id="bb", domains=["x1.com", "x2.com"]),
                         "bb")
        self.assertEqual(self.enrich("busy-3.com").command, "ACCEPTED")
        self.assert_busy(self.enrich("busy-4.com", req_id="b4"), "b4")
        self.assert_busy(self.enrich("busy-5.com", **{"async": False}))
        self.assert_busy(self.dealer.request("BATCH", domains=["x3.com"]))
        # A finished (cancelled) job frees its slot.
        cx = self.dealer.request("CANCEL", job_id=first["job_id"])
        self.assertEqual((cx.command, cx["status"]), ("CANCELLED", "cancelled"))
        self.assertEqual(self.enrich("busy-6.com").command, "ACCEPTED")
        self.assert_busy(self.enrich("busy-7.com"))
        self.assertTrue(self.c.coordinator.alive())


if __name__ == "__main__":
    h.run_tests()
