"""test_scheduling.py — priority classes decide who gets a busy module first.

Every module actor here holds one task at a time (--capacity 1), so ready
work queues in the coordinator.  Six low-priority jobs are queued first; a
high-priority job submitted after them must have its company_context
dispatched before those low jobs whose company_context was still waiting,
and a default-priority job likewise ahead of them.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfp_harness as h  # noqa: E402

SIMULATE = 0.05          # company_context: 500 ms per task
LOW_JOBS = 6
JOB_TIMEOUT_S = 60.0


class PriorityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(simulate=SIMULATE, module_args=["--capacity", "1"])
        cls.c.start()
        cls.client = cls.c.client()
        cls.tap = cls.c.tap()
        cls.tap.sync(cls.client)

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    def started_order(self, job_ids):
        """Job ids in the order their company_context was dispatched."""
        return [e[1]["job_id"] for e in self.tap.snapshot()
                if e[0] == "module.started" and e[1].get("module") == "company_context"
                and e[1].get("job_id") in job_ids]

    def test_high_and_default_overtake_low(self):
        low = []
        for i in range(LOW_JOBS):
            acc = self.client.request("ENRICH", domain="low-%d.com" % i, priority="low",
                                      modules=["company_context"])
            low.append(acc["job_id"])
        # The first low job holds the only company_context slot now.
        self.tap.wait_for(lambda evs: self.started_order(set(low)), JOB_TIMEOUT_S,
                          "first low job started")
        default = self.client.request("ENRICH", domain="default-one.com",
                                      modules=["company_context"])["job_id"]
        high = self.client.request("ENRICH", domain="high-one.com", priority="high",
                                   modules=["company_context"])["job_id"]
        every = set(low) | {default, high}
        self.tap.wait_for(lambda evs: len(self.started_order(every)) == len(every),
                          JOB_TIMEOUT_S, "every job dispatched")
        order = self.started_order(every)
        position = {job: i for i, job in enumerate(order)}
        # high was submitted after default yet goes first; both go before
        # the low jobs still waiting when they arrived (all but the first
        # one or two, which may already hold or have held the slot).
        self.assertLess(position[high], position[default], order)
        self.assertLess(position[default], position[low[-1]], order)
        self.assertLess(position[high], position[low[-2]], order)
        # Inside a class, submission order.
        low_order = [j for j in order if j in low]
        self.assertEqual(low_order, low)


if __name__ == "__main__":
    h.run_tests()
