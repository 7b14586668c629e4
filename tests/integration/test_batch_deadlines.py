#!/usr/bin/python3
"""What a batch loses when its calls wait longer in a rate limit than they may.

The sizing rule in docs/OPERATIONS.md ("Sizing a batch against provider
limits") rests on what `pf bench --scenario batch` reports when calls run
out of time in an adapter's rate-limit queue.  This test makes that happen
on purpose and quickly: 10 synthetic domains at max_concurrency 10 with the
limits x10 (BuiltWith 300/min: a request every 200 ms, so the first wave of
ten jobs queues about ten seconds of BuiltWith requests), while every
adapter may spend at most DEADLINE_MS on one call (`--batch-deadline-ms`,
each adapter's `--deadline-ms`).  Then checks, from the bench's JSON:

- the run still holds the limits (no 429, no window over its limit) and the
  bench says which deadlines were in force;
- fields are missing because a provider call timed out in the queue, and
  the bench names them by module, field, call and code — including those
  nested in a result (competitor_intelligence's per-competitor entries) —
  with counts that add up to its total;
- failed attempts that the coordinator retried are counted by module and
  error code (module.retried), not hidden by the retry's success;
- a usage error for a deadline out of range.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batch_bench as bb  # noqa: E402
from batch_bench import PF, check  # noqa: E402

DOMAINS = 10
SCALE = 10
CONCURRENCY = 10
# Well under the ~10 s the first wave's BuiltWith requests wait at x10.
DEADLINE_MS = 2000
TIMEOUT_S = 150
# "module.field: provider op code", the field possibly nested ("a[].b").
KIND = re.compile(r"^[a-z_]+\.[a-z0-9_\[\].]+: [a-z0-9_]+ [a-z0-9_]+ [a-z0-9_]+$")


def main():
    bad = subprocess.run([PF, "bench", "--scenario", "batch", "--batch-deadline-ms", "0"],
                         capture_output=True, text=True, timeout=30)
    check(bad.returncode == 2, f"--batch-deadline-ms 0 gave status {bad.returncode}, want 2")

    batch, _ = bb.run(["--batch-domains", str(DOMAINS), "--batch-scale", str(SCALE),
                       "--batch-concurrency", str(CONCURRENCY),
                       "--batch-deadline-ms", str(DEADLINE_MS)],
                      "pf-batch-deadlines-", TIMEOUT_S)
    if batch is None:
        return

    # The deadlines in force are reported.
    check(batch["adapter_deadline_ms"] == DEADLINE_MS,
          f"adapter_deadline_ms {batch['adapter_deadline_ms']}")
    want_timeout = int(os.environ.get("PF_MODULE_TIMEOUT_MS", "120000"))
    check(batch["module_timeout_ms"] == want_timeout,
          f"module_timeout_ms {batch['module_timeout_ms']}, want {want_timeout}")

    # Limits held: timeouts in the queue are not 429s.
    check(batch["rate_limited"] == 0, f"{batch['rate_limited']} provider 429s")
    for name, p in batch["providers"].items():
        check(p["max_in_window"] <= p["emulator_limit"],
              f"{name}: {p['max_in_window']} in one window, limit {p['emulator_limit']}")
    check(batch["accepted"] == DOMAINS and sum(batch["jobs"].values()) == DOMAINS,
          f"jobs {batch['jobs']}")

    # Fields lost to the queue, named and adding up.
    kinds = batch["degraded_kinds"]
    check(batch["degraded_fields"] > 0, "no field missing although calls had 2 s")
    check(sum(k["count"] for k in kinds) + batch["degraded_kinds_other"]
          == batch["degraded_fields"],
          f"degraded kinds {kinds} do not add up to {batch['degraded_fields']}")
    for k in kinds:
        check(KIND.match(k["what"]) is not None, f"degraded kind '{k['what']}'")
    check(any(" builtwith " in k["what"] and k["what"].endswith(" timeout") for k in kinds),
          f"no BuiltWith call timed out: {kinds}")
    check(any("[]." in k["what"] for k in kinds),
          f"no nested (per-competitor) field counted: {kinds}")
    check(batch["degraded_jobs"] >= 1, "no job counted as degraded")

    # Retried attempts are counted by module and code.
    retries = batch["module_retries"]
    for r in retries:
        check(re.match(r"^[a-z_]+: [a-z_]+$", r["what"]) is not None and r["count"] > 0,
              f"retry kind {r}")
    print(f"{batch['degraded_fields']} field(s) missing in {batch['degraded_jobs']} job(s); "
          f"kinds {[(k['what'], k['count']) for k in kinds]}; retries "
          f"{[(r['what'], r['count']) for r in retries]}")


if __name__ == "__main__":
    main()
    bb.finish()
