"""What the batch tests share: running `pf bench --scenario batch` once and
collecting failed checks.

run() starts the bench in a fresh data directory and checks what every
batch run must show — it exited 0, every child it started stopped cleanly
on SIGTERM (a sanitizer report makes one exit non-zero, and the bench says
so) and it left nothing behind — then returns the batch scenario's JSON
with how long the bench took.  check() records a failure and goes on, so
one run reports everything it got wrong; finish() exits 1 if anything did.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

PF = os.environ["PF_BIN"]

failures = []


def check(cond, what):
    """Records what as a failure unless cond holds."""
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(args, prefix, timeout_s):
    """pf bench --scenario batch ARGS --json; returns (batch JSON or None,
    seconds taken).  None when the run itself failed (already recorded)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        started = time.monotonic()
        proc = subprocess.run([PF, "bench", "--scenario", "batch", *args, "--json",
                               "--data-dir", tmp],
                              capture_output=True, text=True, timeout=timeout_s)
        took = time.monotonic() - started
        sys.stderr.write(proc.stderr)
        check(proc.returncode == 0, f"pf bench exited {proc.returncode}")
        for bad in ("did not stop cleanly", "exited with status", "was killed by signal",
                    "killing it"):
            check(bad not in proc.stderr, f"the bench said '{bad}'")
        if proc.returncode != 0:
            return None, took
        doc = json.loads(proc.stdout)
        check(doc["ok"] is True, "ok is not true")
        check(os.listdir(tmp) == [], f"the bench left {os.listdir(tmp)} in its data dir")
        check(set(doc["scenarios"]) == {"batch"}, "scenarios other than batch ran")
        batch = doc["scenarios"].get("batch")
        check(batch is not None, "no batch scenario in the JSON")
        return batch, took


def finish():
    """Exits 1 when a check failed, else prints ok."""
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("ok")
