"""test_tap_slow.py — a tap subscriber that never reads cannot slow the engine.

A SUB socket subscribes to every topic and then never reads.  With the
coordinator's tap high-water mark set far below what the jobs publish
(5,000 of at least 27,000 events), 600 jobs must still complete —
the coordinator drops the events the stuck subscriber cannot take instead
of blocking — and what finally sits in that subscriber's queue is a small
fraction of what was published (the rest was dropped at the high-water
mark, after the kernel's socket buffers filled).  A second, reading subscriber at the same
time sees events for every job, so the tap keeps working for others.

The mark is not set lower because a subscriber that reads must be able to
take a burst: the coordinator sends a loop turn's events together, once the
turn's commit is on the disk, and under a sanitizer on two cores a turn can
carry hundreds of them.
"""

import os
import sys
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

JOBS = 600
WINDOW = 64
TAP_HWM = 5000
DEADLINE_S = 120.0


class SlowTapTest(unittest.TestCase):
    def test_stuck_subscriber_loses_events_and_jobs_complete(self):
        with h.Constellation(simulate=0, coordinator_args=["--tap-hwm", str(TAP_HWM)]) as c:
            stuck = c.ctx.socket(zmq.SUB)
            try:
                self.run_jobs(c, stuck)
            finally:
                # The context cannot terminate while a socket is open.
                stuck.close()

    def run_jobs(self, c, stuck):
        stuck.setsockopt(zmq.LINGER, 0)
        stuck.setsockopt(zmq.RCVHWM, 1)
        stuck.setsockopt(zmq.RCVBUF, 4096)   # no kernel autotuning either
        stuck.setsockopt(zmq.SUBSCRIBE, b"")
        stuck.connect(c.tap_ep)
        reader = c.tap(("job.",))
        client = c.client()
        # The subscriptions must reach the coordinator before the jobs
        # start, or the events would not be built at all.
        reader.sync(client)

        started = time.monotonic()
        sent = done = 0
        pending = set()
        while done < JOBS:
            while sent < JOBS and len(pending) < WINDOW:
                pending.add(client.submit("ENRICH", domain="slow-tap-%d.com" % sent,
                                          **{"async": False}))
                sent += 1
            reply = client.recv(timeout=DEADLINE_S)
            self.assertEqual(reply.command, "RESULT", reply)
            self.assertEqual(reply["status"], "completed", reply)
            pending.discard(reply["req_id"])
            done += 1
            self.assertLess(time.monotonic() - started, DEADLINE_S)

        # The reader saw every job end.
        reader.wait_for(lambda evs: len([e for e in evs if e[0] == "job.completed"
                                         and e[1]["domain"].startswith("slow-tap-")])
                        >= JOBS, 30, "job.completed for every job")

        # Each job publishes at least 45 events (ready, started and
        # completed per module).  The stuck subscriber holds only what
        # the high-water marks and the kernel's socket buffers took
        # before the coordinator began dropping: far less than that.
        published_at_least = JOBS * 45
        queued = 0
        while stuck.poll(200):
            stuck.recv_multipart()
            queued += 1
        print("stuck subscriber holds %d events; at least %d were published"
              % (queued, published_at_least))
        self.assertLess(queued, 0.6 * published_at_least,
                        "stuck subscriber got %d of >= %d" % (queued, published_at_least))


if __name__ == "__main__":
    h.run_tests()
