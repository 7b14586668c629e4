#!/usr/bin/python3
"""seed_corpus.py — writes the seed inputs of tests/fuzz/corpus/<name>/ and
the libFuzzer dictionaries tests/fuzz/<name>.dict.

Run by hand (not by the build or the tests) after changing a protocol, then
commit what changed:

    /usr/bin/python3 tests/fuzz/seed_corpus.py

It (re)writes only files named seed-* and the .dict files; inputs that fuzz
runs found (named
by their SHA-1, see docs/FUZZING.md) are left alone.  The seeds are real
protocol messages and their edge cases: one example of every command and
field, and the refusals the decoders must get right.  Frames of the
multipart harnesses (pfp, pfa) use the length-prefix scheme of
tests/fuzz/fuzz_util.h: a 2-byte big-endian length before each frame.  The
dictionaries give libFuzzer those frames' version and command names and the
body or header keys as msgpack strings, which it would take long to guess.
"""

import os
import struct

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "corpus")


def pack(value):
    return msgpack.packb(value, use_bin_type=True)


def frames(*parts):
    out = b""
    for p in parts:
        if isinstance(p, str):
            p = p.encode()
        out += struct.pack(">H", len(p)) + p
    return out


def write(harness, name, data):
    d = os.path.join(ROOT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def msgpack_seeds():
    s = {
        "nil": b"\xc0",
        "bools": pack([True, False]),
        "ints": pack([0, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1,
                      -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63]),
        "uint64-max": pack(2**64 - 1),
        "float32": b"\xca\x3f\xc0\x00\x00",
        "float32-nan": b"\xca\x7f\xc0\x00\x01",
        "float64": pack(2.5),
        "float64-negzero": b"\xcb\x80\x00\x00\x00\x00\x00\x00\x00",
        "str-forms": b"\x93\xa1a\xd9\x01b\xda\x00\x01c",
        "str32": b"\xdb\x00\x00\x00\x02hi",
        "str-nul": pack("a\x00b"),
        "bin-forms": b"\x93\xc4\x01x\xc5\x00\x01y\xc6\x00\x00\x00\x01z",
        "array16-map16": b"\xdc\x00\x01\xde\x00\x01\xa1k\xc0",
        "array32-map32": b"\xdd\x00\x00\x00\x01\xdf\x00\x00\x00\x00",
        "map-int-keys": pack({1: "one", -1: [None]}),
        "enrich-body": pack({"req_id": "r-1", "domain": "stripe.com",
                             "modules": ["company_context", "tech_stack"],
                             "priority": "high", "async": False}),
        "module-result": pack({"module": "tech_stack", "domain": "stripe.com",
                               "simulated": True, "attempt": 1,
                               "inputs": ["company_context"], "score": 0.75,
                               "raw": b"\x00\x01"}),
        "depth-16": b"\x91" * 15 + b"\xc0",
        "depth-17": b"\x91" * 16 + b"\xc0",
        "depth-65": b"\x91" * 64 + b"\xc0",
        "reserved-c1": b"\xc1",
        "ext-fixext1": b"\xd4\x01\x00",
        "ext8": b"\xc7\x01\x01\x00",
        "truncated-uint32": b"\xce\x00\x01",
        "truncated-str": b"\xa5abc",
        "trailing": b"\x80\x80",
        "claims-huge-array": b"\xdd\xff\xff\xff\xff\xc0",
        "claims-huge-map": b"\xdf\x7f\xff\xff\xff\xa1a",
        "claims-huge-str": b"\xdb\xff\xff\xff\xffabc",
        "empty": b"",
    }
    for name, data in s.items():
        write("msgpack", name, data)


def pfp_seeds():
    v = "PFP/1"

    def req(cmd, body, version=v):
        return frames("", version, cmd, pack(body) if not isinstance(body, bytes) else body)

    job = "job_0123456789abcdef01234567"
    batch = "batch_0123456789abcdef01234567"
    s = {
        "ping": req("PING", {"req_id": "r-1"}),
        "enrich-minimal": req("ENRICH", {"req_id": "r-2", "domain": "stripe.com"}),
        "enrich-full": req("ENRICH", {"req_id": "r-3", "domain": "Stripe.COM",
                                      "modules": ["company_context", "tech_stack"],
                                      "priority": "low", "async": False,
                                      "api_key": "k-open", "idempotency_key": "once-1"}),
        "enrich-all": req("ENRICH", {"req_id": "r-4", "domain": "a.com", "modules": ["all"]}),
        "batch": req("BATCH", {"req_id": "r-5", "domains": ["a.com", "b.org", "c.net"],
                               "priority": "high", "max_concurrency": 3,
                               "modules": ["tech_stack"], "api_key": "k"}),
        "status-job": req("STATUS", {"req_id": "r-6", "job_id": job}),
        "status-batch": req("STATUS", {"req_id": "r-7", "batch_id": batch}),
        "results": req("RESULTS", {"req_id": "r-8", "job_id": job, "include_partial": True}),
        "cancel": req("CANCEL", {"req_id": "", "batch_id": batch}),
        "bad-version": req("PING", {"req_id": "r-9"}, version="PFP/2"),
        "unknown-command": req("PONG", {"req_id": "r-10"}),
        "three-frames": frames("", v, "PING"),
        "no-delimiter": frames(v, "PING", pack({"req_id": "r"})),
        "body-array": req("PING", [1, 2]),
        "body-trailing": req("PING", pack({"req_id": "r-11"}) + b"\xc0"),
        "body-malformed-after-req-id": req("ENRICH", b"\x82\xa6req_id\xa4r-12\xa6domain\xc1"),
        "dup-key": req("PING", b"\x82\xa6req_id\xa1a\xa6req_id\xa1b"),
        "nul-in-domain": req("ENRICH", {"req_id": "r-13", "domain": "a\x00b.com"}),
        "unknown-field": req("STATUS", {"req_id": "r-14", "job_id": job, "domain": "x"}),
        "both-ids": req("CANCEL", {"req_id": "r-15", "job_id": job, "batch_id": batch}),
        "max-concurrency-uint64": req("BATCH", b"\x83\xa6req_id\xa1r\xa7domains\x91\xa5a.com"
                                      b"\xafmax_concurrency\xcf\xff\xff\xff\xff\xff\xff\xff\xff"),
        "empty-modules": req("ENRICH", {"req_id": "r", "domain": "a.com", "modules": []}),
        "int-key": req("PING", {1: "x"}),
        "missing-req-id": req("PING", {}),
        "enrich-no-domain": req("ENRICH", {"req_id": "r"}),
        "empty-batch": req("BATCH", {"req_id": "r", "domains": []}),
        "empty-idempotency-key": req("ENRICH", {"req_id": "r", "domain": "a.com",
                                                "idempotency_key": ""}),
        "max-concurrency-zero": req("BATCH", {"req_id": "r", "domains": ["a.com"],
                                              "max_concurrency": 0}),
        "max-concurrency-str": req("BATCH", {"req_id": "r", "domains": ["a.com"],
                                             "max_concurrency": "3"}),
        "bad-priority": req("ENRICH", {"req_id": "r", "domain": "a.com", "priority": "now"}),
        "async-not-bool": req("ENRICH", {"req_id": "r", "domain": "a.com", "async": 1}),
        "req-id-65": req("PING", {"req_id": "r" * 65}),
        "modules-65": req("ENRICH", {"req_id": "r", "domain": "a.com",
                                     "modules": ["m%d" % i for i in range(65)]}),
        "domain-1025": req("ENRICH", {"req_id": "r", "domain": "a" * 1025}),
        "reply-pong": frames("", v, "PONG", pack({"req_id": "r-1", "version": v})),
        "reply-result": frames("", v, "RESULT", pack({
            "req_id": "r-2", "job_id": job, "status": "completed",
            "results": {"tech_stack": {"module": "tech_stack", "simulated": True,
                                       "inputs": []}}})),
        "reply-error": frames("", v, "ERROR", pack({"req_id": "r-3", "code": "bad_request",
                                                    "message": "body: malformed msgpack"})),
    }
    for name, data in s.items():
        write("pfp", name, data)


def pfa_seeds():
    v = "PFA/1"

    def msg(cmd, header, payload=None):
        parts = [v, cmd, pack(header) if not isinstance(header, bytes) else header]
        if payload is not None:
            parts.append(pack(payload) if not isinstance(payload, bytes) else payload)
        return frames(*parts)

    result = {"module": "tech_stack", "domain": "stripe.com", "simulated": True,
              "attempt": 1, "inputs": ["company_context"]}
    s = {
        "ready": msg("READY", {"service": "tech_stack", "instance": "host-1:4242:1",
                               "capacity": 16, "pid": 4242, "host": "host-1"}),
        "welcome": msg("WELCOME", {"heartbeat_ms": 1000, "liveness": 3}),
        "heartbeat": msg("HEARTBEAT", {}),
        "task": msg("TASK", {"task_id": 7, "job_id": "job_0123456789abcdef01234567",
                             "module": "tech_stack", "domain": "stripe.com", "attempt": 1,
                             "timeout_ms": 120000},
                    {"company_context": result}),
        "result-ok": msg("RESULT", {"task_id": 7, "job_id": "job_0123456789abcdef01234567",
                                    "module": "tech_stack", "attempt": 1, "ok": True,
                                    "duration_ms": 12}, result),
        "result-failed": msg("RESULT", {"task_id": 2**64 - 1, "job_id": "j", "module": "m",
                                        "attempt": 3, "ok": False, "duration_ms": 0,
                                        "error_code": "timeout",
                                        "error_message": "provider did not answer"}),
        "call": msg("CALL", {"call_id": 1, "service": "builtwith", "op": "lookup",
                             "timeout_ms": 5000}, {"domain": "stripe.com"}),
        "reply-ok": msg("REPLY", {"call_id": 1, "ok": True}, {"technologies": ["nginx"]}),
        "reply-error": msg("REPLY", {"call_id": 9, "ok": False, "error_code": "unavailable"}),
        "event": msg("EVENT", {"topic": "api.call"},
                     {"ts": 1700000000.123456, "type": "api.call", "provider": "builtwith"}),
        "drain": msg("DRAIN", {}),
        "disconnect": msg("DISCONNECT", {"reason": "shutdown"}),
        "disconnect-no-reason": msg("DISCONNECT", {}),
        "unknown-keys-ignored": msg("HEARTBEAT", {"future": [1, 2], 7: "int key"}),
        "payload-on-ready": msg("READY", {"service": "s", "instance": "i", "capacity": 1},
                                {"x": 1}),
        "empty-payload": frames(v, "EVENT", pack({"topic": "t"}), b""),
        "capacity-zero": msg("READY", {"service": "s", "instance": "i", "capacity": 0}),
        "capacity-over": msg("READY", {"service": "s", "instance": "i", "capacity": 4097}),
        "negative-pid": msg("READY", {"service": "s", "instance": "i", "capacity": 1,
                                      "pid": -1}),
        "dup-field": msg("WELCOME", b"\x83\xacheartbeat_ms\x01\xacheartbeat_ms\x02"
                                    b"\xa8liveness\x03"),
        "missing-field": msg("WELCOME", {"heartbeat_ms": 1000}),
        "header-not-map": msg("HEARTBEAT", [1]),
        "bad-version": frames("PFA/2", "HEARTBEAT", pack({})),
        "unknown-command": frames(v, "HELLO", pack({})),
        "two-frames": frames(v, "HEARTBEAT"),
        "payload-bad-msgpack": frames(v, "EVENT", pack({"topic": "t"}), b"\xc1"),
        "string-too-long": msg("EVENT", {"topic": "t" * 65}),
    }
    for name, data in s.items():
        write("pfa", name, data)


def domain_seeds():
    s = {
        "plain": "stripe.com",
        "upper-trailing-dot": "Stripe.COM.",
        "subdomain": "www.shop.example.co.uk",
        "idn": "münchen.de",
        "idn-decomposed": "mu\u0308nchen.de",
        "alabel": "xn--mnchen-3ya.de",
        "alabel-invalid": "xn--zzzzzz.de",
        "alabel-uppercase": "XN--MNCHEN-3YA.DE",
        "deviation-sharp-s": "straße.de",
        "fullwidth": "ｅｘａｍｐｌｅ。ｃｏｍ",
        "ideographic-stop": "日本。jp。",
        "emoji": "☃.net",
        "ipv4": "127.0.0.1",
        "ipv4-hex": "0x7f.1",
        "ipv4-int": "2130706433",
        "ipv6": "[::1]",
        "numeric-tld": "a.123",
        "five-numbers": "1.2.3.4.5",
        "localhost": "localhost",
        "sub-localhost": "a.localhost",
        "local": "printer.local",
        "test-tld": "site.test",
        "single-label": "intranet",
        "empty-label": "a..com",
        "leading-dot": ".a.com",
        "two-trailing-dots": "a.com..",
        "only-dot": ".",
        "hyphen-edge": "-a.com",
        "underscore": "a_b.com",
        "url": "https://a.com/x",
        "user-at": "user@a.com",
        "percent": "a%2e.com",
        "space": "a .com",
        "control": "a\x01.com",
        "label-63": "a" * 63 + ".com",
        "label-64": "a" * 64 + ".com",
        "name-253": ".".join(["a" * 61] * 4) + ".co",
        "name-254": ".".join(["a" * 61] * 4) + ".com",
        "invalid-utf8": b"\xff\xfe.com",
    }
    for name, data in s.items():
        write("domain", name, data.encode() if isinstance(data, str) else data)


def apikeys_seeds():
    s = {
        "typical": "# keys for the staging coordinator\n  open-key\nlimited 2\n\nk-cli 0\n",
        "crlf-tabs": "\t# comment\r\n a#b\t7\r\n\r\nplain",
        "max-rpm": "k 18446744073709551615\n",
        "rpm-overflow": "k 18446744073709551616\n",
        "negative-rpm": "k -1\n",
        "plus-rpm": "k +5\n",
        "third-word": "key 10 extra\n",
        "only-comments": "# only comments\n\n",
        "empty": "",
        "nul-byte": b"ke\x00y 5\n",
        "long-comment": "#" + "x" * 1500 + "\nreal 3\n",
        "key-255": "k" * 255 + " 1\n",
        "key-256": "k" * 256 + " 1\n",
        "duplicate": "dup 1\ndup 2\n",
        "binary-key": b"\x80\xff\x7f 9\n",
    }
    for name, data in s.items():
        write("apikeys", name, data)


def dict_escape(data):
    return "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else "\\x%02x" % c
                   for c in data)


def write_dict(harness, comment, entries):
    lines = ["# %s.dict — %s" % (harness, comment),
             "# Written by tests/fuzz/seed_corpus.py; used by tools/fuzz (-dict)."]
    for name, data in entries:
        lines.append('%s="%s"' % (name, dict_escape(data)))
    with open(os.path.join(HERE, harness + ".dict"), "w") as f:
        f.write("\n".join(lines) + "\n")


def dicts():
    pfp_frames = ["PFP/1", "PING", "ENRICH", "BATCH", "STATUS", "RESULTS", "CANCEL",
                  "PONG", "ACCEPTED", "RESULT", "ERROR", ""]
    pfp_strs = ["req_id", "domain", "domains", "modules", "priority", "async", "api_key",
                "idempotency_key", "max_concurrency", "job_id", "batch_id",
                "include_partial", "high", "default", "low", "all"]
    write_dict("pfp", "frames and body keys of PFP/1 for fuzz_pfp.",
               [("frame_" + (f.replace("/", "_") or "empty"), frames(f)) for f in pfp_frames]
               + [("str_" + k, pack(k)) for k in pfp_strs])
    pfa_frames = ["PFA/1", "READY", "WELCOME", "HEARTBEAT", "TASK", "RESULT", "CALL",
                  "REPLY", "EVENT", "DRAIN", "DISCONNECT"]
    pfa_strs = ["service", "instance", "host", "capacity", "pid", "heartbeat_ms",
                "liveness", "task_id", "job_id", "module", "domain", "attempt",
                "timeout_ms", "call_id", "op", "ok", "duration_ms", "error_code",
                "error_message", "topic", "reason"]
    write_dict("pfa", "frames and header keys of PFA/1 for fuzz_pfa.",
               [("frame_" + f.replace("/", "_"), frames(f)) for f in pfa_frames]
               + [("str_" + k, pack(k)) for k in pfa_strs])


if __name__ == "__main__":
    msgpack_seeds()
    pfp_seeds()
    pfa_seeds()
    domain_seeds()
    apikeys_seeds()
    dicts()
