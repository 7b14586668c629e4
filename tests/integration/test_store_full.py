"""test_store_full.py — when the job store cannot commit, nothing is acknowledged.

The coordinator runs under a file-size limit (prlimit --fsize), so after a
few hundred commits its SQLite write-ahead log cannot grow and a commit
fails, as it would on a full disk.  Meanwhile a client pipelines async
ENRICHes, each with its own idempotency key, and keeps every ACCEPTED it
gets.  The coordinator must log the failed commit and exit 1 — not crash,
not carry on with state it could not store.  Started again on the same data
directory without the limit, it must know every job it acknowledged: each
job id answers STATUS, and each acknowledged key, sent again, returns that
same job (existing), never a new one.  Keys that were sent but never
answered may or may not have a job; none has two.
"""

import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

# Bytes any file of the coordinator may grow to: the WAL passes it after a
# few hundred commits (each commit appends a few 4 KiB pages; how many
# acknowledgements a commit carries depends on how fast the coordinator
# runs, so the limit leaves room for a slow, sanitized build).
FSIZE_LIMIT = 2 * 1024 * 1024
WINDOW = 32
MAX_REQUESTS = 200000
DEADLINE_S = 120.0


class StoreFullTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pf-it-full-")
        self.data = os.path.join(self.tmp, "data")
        self.ctx = zmq.Context()
        self.procs = []
        self.clients = []
        ports = set()
        while len(ports) < 3:
            ports.add(h.free_port())
        self.eps = ["tcp://127.0.0.1:%d" % p for p in ports]

    def tearDown(self):
        for client in self.clients:
            client.close()
        for proc in self.procs:
            proc.signal_group(signal.SIGKILL)
            proc.popen.wait()
        self.ctx.term()
        if os.environ.get("PF_TEST_KEEP_TMP"):
            sys.stderr.write("kept %s\n" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def start_coordinator(self, name, limit=None):
        argv = [h.PF_BIN, "coordinator", "--client", self.eps[0], "--tap", self.eps[1],
                "--actor", self.eps[2], "--data-dir", self.data,
                "--max-queued-jobs", str(MAX_REQUESTS)]
        if limit:
            argv = ["prlimit", "--fsize=%d:%d" % (limit, limit), "--"] + argv
        proc = h.Proc(name, argv, dict(os.environ), os.path.join(self.tmp, name + ".log"))
        self.procs.append(proc)
        # PINGs on a socket of their own: a late PONG must not reach the
        # client that counts acknowledgements.
        probe = h.Client(self.ctx, self.eps[0])
        try:
            h.wait_until(lambda: self.answers_ping(probe, proc), h.READY_TIMEOUT_S,
                         "%s to answer PING" % name)
        finally:
            probe.close()
        client = h.Client(self.ctx, self.eps[0])
        self.clients.append(client)
        return proc, client

    @staticmethod
    def answers_ping(client, proc):
        if not proc.alive():
            raise AssertionError("%s exited %s:\n%s" % (proc.name, proc.popen.returncode,
                                                        proc.log_tail()))
        try:
            return client.ping(timeout=0.5).command == "PONG"
        except TimeoutError:
            return False

    def test_failed_commit_withholds_acknowledgements(self):
        proc, client = self.start_coordinator("coordinator-limited", FSIZE_LIMIT)
        acked = {}          # idempotency key -> job id from ACCEPTED
        pending = {}        # req_id -> key
        sent = 0
        started = time.monotonic()
        while proc.alive() and sent < MAX_REQUESTS:
            while len(pending) < WINDOW and sent < MAX_REQUESTS:
                key = "full-%06d" % sent
                req = client.submit("ENRICH", domain="full-%d.example.com" % sent,
                                    idempotency_key=key, **{"async": True})
                pending[req] = key
                sent += 1
            frames = client.recv_frames(0.2)
            if frames is None:
                continue
            reply = client.parse(frames)
            key = pending.pop(reply["req_id"], None)
            self.assertIsNotNone(key, "reply to an unknown request: %r" % (reply,))
            self.assertEqual(reply.command, "ACCEPTED", reply)
            acked[key] = reply["job_id"]
            self.assertLess(time.monotonic() - started, DEADLINE_S,
                            "the coordinator never failed a commit")
        proc.popen.wait(h.STOP_GRACE_S)
        log = proc.log_tail(50)
        self.assertEqual(proc.popen.returncode, 1, "expected exit 1, got %s:\n%s"
                         % (proc.popen.returncode, log))
        self.assertIn("job store: commit failed", log)
        self.assertIn("stopping so that a restart recovers from the last commit", log)
        # Replies still in flight at the exit were sent before it: keep them.
        while True:
            frames = client.recv_frames(0.5)
            if frames is None:
                break
            reply = client.parse(frames)
            key = pending.pop(reply["req_id"], None)
            if key is not None and reply.command == "ACCEPTED":
                acked[key] = reply["job_id"]
        self.assertGreater(len(acked), 100, "too few acknowledgements to mean anything")

        _, client = self.start_coordinator("coordinator")
        # Every acknowledged job is there.
        for key, job_id in acked.items():
            st = client.request("STATUS", job_id=job_id)
            self.assertEqual(st.command, "STATUS", "acknowledged %s (%s) lost: %r"
                             % (job_id, key, st))
            self.assertEqual(st["status"], "queued")
        # Each acknowledged key names the same job; an unanswered one names
        # at most one job however often it is sent.
        for key, job_id in acked.items():
            again = client.request("ENRICH", domain="ignored.example.com",
                                   idempotency_key=key, **{"async": True})
            self.assertEqual(again.command, "ACCEPTED", again)
            self.assertEqual(again["job_id"], job_id, key)
            self.assertTrue(again.get("existing"), again)
        for key in list(pending.values())[:WINDOW]:
            first = client.request("ENRICH", domain="x.example.com", idempotency_key=key,
                                   **{"async": True})
            second = client.request("ENRICH", domain="x.example.com", idempotency_key=key,
                                    **{"async": True})
            self.assertEqual(first["job_id"], second["job_id"])
        print("acknowledged %d of %d sent before the failed commit" % (len(acked), sent))


if __name__ == "__main__":
    h.run_tests()
