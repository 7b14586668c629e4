"""test_store_slow_disk.py — a disk that falls behind slows clients down; nothing piles up.

The coordinator runs with a shim (tests/shims/slow_fsync.c, LD_PRELOAD) that
makes every sync of its write-ahead log take 4 s.  A client sends 3,000
async ENRICHes one by one, about one a millisecond, without waiting for
replies, so nearly every request is a loop turn and a commit of its own.
Replies can only go out when their commit's sync is done, and syncs are
what is slow: once 64 committed turns wait for the disk the coordinator
must stop reading clients (it says so in its log) rather than hold ever
more replies in memory; when the disk catches up it reads on.  Every
request must end up ACCEPTED, each with a job of its own, and the
coordinator must stop cleanly afterwards.
"""

import os
import signal
import shutil
import sys
import tempfile
import time
import unittest

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

SHIM = os.environ.get("PF_TEST_SLOW_FSYNC", "")
DELAY_MS = 4000
REQUESTS = 3000
DEADLINE_S = 240.0


class SlowDiskTest(unittest.TestCase):
    def setUp(self):
        if not SHIM or not os.path.exists(SHIM):
            self.skipTest("PF_TEST_SLOW_FSYNC does not name the shim library")
        self.tmp = tempfile.mkdtemp(prefix="pf-it-slowdisk-")
        self.ctx = zmq.Context()
        self.proc = None
        self.sock = None

    def tearDown(self):
        if self.sock is not None:
            self.sock.close(0)
        if self.proc is not None and self.proc.alive():
            self.proc.signal_group(signal.SIGKILL)
            self.proc.popen.wait()
        self.ctx.term()
        if os.environ.get("PF_TEST_KEEP_TMP"):
            sys.stderr.write("kept %s\n" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def test_clients_wait_for_the_disk(self):
        ports = set()
        while len(ports) < 3:
            ports.add(h.free_port())
        client_ep, tap_ep, actor_ep = ("tcp://127.0.0.1:%d" % p for p in ports)
        env = dict(os.environ)
        env["LD_PRELOAD"] = SHIM
        env["PF_TEST_FSYNC_DELAY_MS"] = str(DELAY_MS)
        # A sanitizer runtime wants to be loaded first; the shim is not
        # instrumented and only wraps two libc calls.
        env["ASAN_OPTIONS"] = ":".join(
            x for x in (env.get("ASAN_OPTIONS", ""), "verify_asan_link_order=0") if x)
        argv = [h.PF_BIN, "coordinator", "--client", client_ep, "--tap", tap_ep,
                "--actor", actor_ep, "--data-dir", os.path.join(self.tmp, "data"),
                "--max-queued-jobs", str(REQUESTS * 2)]
        self.proc = h.Proc("coordinator", argv, env, os.path.join(self.tmp, "coordinator.log"))

        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.SNDHWM, 0)      # queue every request here
        self.sock.setsockopt(zmq.RCVHWM, 0)
        self.sock.connect(client_ep)
        started = time.monotonic()
        jobs = set()
        answered = set()
        sent = 0
        while len(answered) < REQUESTS:
            if sent < REQUESTS:
                body = {"req_id": "s%d" % sent, "domain": "slow-%d.example.com" % sent,
                        "async": True}
                self.sock.send_multipart([b"", b"PFP/1", b"ENRICH", msgpack.packb(body)])
                sent += 1
            left = DEADLINE_S - (time.monotonic() - started)
            self.assertGreater(left, 0, "%d of %d answered in %.0fs\n%s" % (
                len(answered), REQUESTS, DEADLINE_S, self.proc.log_tail()))
            # About a millisecond between sends; then whatever is left.
            wait_ms = 1 if sent < REQUESTS else min(left, 5.0) * 1000
            if not self.sock.poll(wait_ms):
                self.assertTrue(self.proc.alive(), self.proc.log_tail())
                continue
            frames = self.sock.recv_multipart()
            self.assertEqual(frames[1:3], [b"PFP/1", b"ACCEPTED"], frames[:4])
            body = msgpack.unpackb(frames[3], raw=False)
            self.assertNotIn(body["req_id"], answered)
            answered.add(body["req_id"])
            jobs.add(body["job_id"])
        self.assertEqual(len(jobs), REQUESTS)
        with open(self.proc.log_path, "rb") as f:
            log = f.read().decode("utf-8", "replace")
        self.assertIn("commits waiting for the disk; not reading clients", log)
        self.proc.signal_group(signal.SIGTERM)
        rc = self.proc.popen.wait(h.STOP_GRACE_S)
        self.assertEqual(rc, 0, self.proc.log_tail())
        print("%d requests answered in %.1fs with each sync taking %d ms" % (
            REQUESTS, time.monotonic() - started, DELAY_MS))


if __name__ == "__main__":
    h.run_tests()
