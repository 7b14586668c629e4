#!/usr/bin/env bash
# test_bench_quick.sh — `pf bench --quick --json` runs every scenario end to
# end (it starts its own coordinator and module actors) and reports sane
# numbers; then `pf bench --quick --scenario adapter --json` runs the opt-in
# adapter scenario (pf-fakeapi, the websearch adapter, a caller actor).  It
# checks that the tool works, not the performance targets: those depend on
# the machine and are recorded in docs/BENCHMARKS.md.
set -euo pipefail

: "${PF_BIN:?PF_BIN must name the pf binary}"

work="$(mktemp -d "${TMPDIR:-/tmp}/pf-bench-test-XXXXXX")"
bench_pid=""
cleanup() {
    # pf bench tears its children down itself (and they die with it through
    # PR_SET_PDEATHSIG); only the bench itself may be left if we are killed.
    if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Usage errors are status 2 and start nothing.
set +e
"$PF_BIN" bench --runs 0 >/dev/null 2>&1; rc=$?
[[ $rc -eq 2 ]] || { echo "FAIL: --runs 0 gave status $rc, want 2"; exit 1; }
"$PF_BIN" bench --scenario nonsense >/dev/null 2>&1; rc=$?
[[ $rc -eq 2 ]] || { echo "FAIL: --scenario nonsense gave status $rc, want 2"; exit 1; }
"$PF_BIN" bench --help >/dev/null 2>&1; rc=$?
[[ $rc -eq 0 ]] || { echo "FAIL: --help gave status $rc, want 0"; exit 1; }
"$PF_BIN" bench --scenario adapter --rate-calls 1 >/dev/null 2>&1; rc=$?
[[ $rc -eq 2 ]] || { echo "FAIL: --rate-calls 1 gave status $rc, want 2"; exit 1; }
set -e

# One run of pf bench with the given arguments (plus --json and the working
# directory), in the background so the trap can stop it: JSON to $1.
run_bench() {
    local out="$1"
    shift
    "$PF_BIN" bench "$@" --json --data-dir "$work" >"$out" 2>"$work/err.txt" &
    bench_pid=$!
    set +e
    wait "$bench_pid"; rc=$?
    set -e
    bench_pid=""
    if [[ $rc -ne 0 ]]; then
        echo "FAIL: pf bench $* --json exited with status $rc"
        cat "$work/err.txt"
        exit 1
    fi
    # Teardown was orderly: nothing had to be SIGKILLed after ignoring SIGTERM.
    if grep -q "ignored SIGTERM" "$work/err.txt"; then
        echo "FAIL: a process had to be killed at teardown:"
        grep "ignored SIGTERM" "$work/err.txt"
        exit 1
    fi
    # The working directory was removed after the successful run.
    leftover="$(find "$work" -mindepth 1 -maxdepth 1 -name 'pf-bench-*' | head -n 1)"
    [[ -z "$leftover" ]] || { echo "FAIL: working directory $leftover was left behind"; exit 1; }
}

run_bench "$work/out.json" --quick
run_bench "$work/adapter.json" --quick --scenario adapter

/usr/bin/python3 - "$work/out.json" <<'PY'
import json
import sys

with open(sys.argv[1]) as f:
    doc = json.load(f)

problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

def stat(node, name):
    """A {median, min, max, values} block with finite, ordered numbers."""
    check(isinstance(node, dict), f"{name}: missing")
    if not isinstance(node, dict):
        return None
    values = node.get("values")
    ok = (isinstance(values, list) and values
          and all(isinstance(v, (int, float)) for v in values)
          and all(isinstance(node.get(k), (int, float)) for k in ("median", "min", "max")))
    check(ok, f"{name}: not a complete statistic: {node}")
    if not ok:
        return None
    check(node["min"] <= node["median"] <= node["max"], f"{name}: min <= median <= max fails")
    check(min(values) == node["min"] and max(values) == node["max"], f"{name}: range != values")
    return node["median"]

check(doc.get("ok") is True, "ok is not true")
check("adapter" not in doc.get("scenarios", {}), "the adapter scenario ran without being asked for")
config = doc.get("config", {})
runs = config.get("runs")
check(runs == 3 and config.get("quick") is True, f"quick preset not applied: {config}")
check(doc.get("machine", {}).get("nproc", 0) >= 1, "machine.nproc missing")
sc = doc.get("scenarios", {})
for name in ("throughput", "latency", "hop", "makespan", "rss", "durable"):
    check(name in sc, f"scenario {name} missing")
    if name in sc:
        check(sc[name].get("runs") == runs, f"{name}: runs != {runs}")

if "throughput" in sc:
    t = sc["throughput"]
    jobs = stat(t.get("jobs_per_s"), "throughput.jobs_per_s")
    pings = stat(t.get("baseline", {}).get("per_s"), "throughput.baseline.per_s")
    ratio = stat(t.get("ratio"), "throughput.ratio")
    check(jobs is not None and jobs > 0, "throughput: no jobs/s")
    check(pings is not None and pings > 0, "throughput: no PING/s")
    check(ratio is not None and 0 < ratio, "throughput: bad ratio")
    check(t.get("errors") == 0, "throughput: errors")
    check(t.get("module_actors") == 15, "throughput: not 15 module actors")

if "latency" in sc:
    l = sc["latency"]
    p50 = stat(l.get("p50_ms"), "latency.p50_ms")
    p99 = stat(l.get("p99_ms"), "latency.p99_ms")
    b50 = stat(l.get("baseline", {}).get("p50_ms"), "latency.baseline.p50_ms")
    check(p50 is not None and p50 > 0, "latency: p50 not positive")
    check(p50 is not None and p99 is not None and p99 >= p50, "latency: p99 < p50")
    check(b50 is not None and b50 > 0, "latency: PING p50 not positive")
    # A sync ENRICH runs fifteen module tasks; it cannot beat one PING.
    check(p50 is not None and b50 is not None and p50 > b50, "latency: ENRICH faster than PING")
    check(l.get("errors") == 0, "latency: errors")

if "hop" in sc:
    h = sc["hop"]
    # 11 of the 15 modules have inputs; 50 jobs per run in the quick preset.
    check(h.get("hops", 0) >= 11 * 50 * runs * 0.9, f"hop: too few hops measured: {h.get('hops')}")
    p50 = stat(h.get("p50_us"), "hop.p50_us")
    p99 = stat(h.get("p99_us"), "hop.p99_us")
    check(p50 is not None and p50 >= 0, "hop: negative p50 (module started before its input completed)")
    check(p50 is not None and p99 is not None and p99 >= p50, "hop: p99 < p50")
    check(p50 is not None and p50 < 1e6, "hop: p50 over a second")

if "makespan" in sc:
    m = sc["makespan"]
    check(abs(m.get("critical_path_ms", 0) - 1140) < 1e-6, "makespan: critical path != 1140 ms")
    check(m.get("barrier_ms", 0) > m.get("critical_path_ms", 0), "makespan: barrier <= critical path")
    result = stat(m.get("result_ms"), "makespan.result_ms")
    wall = stat(m.get("wall_ms"), "makespan.wall_ms")
    ratio = stat(m.get("ratio_critical_path"), "makespan.ratio_critical_path")
    # The simulated modules sleep: nothing can finish before the critical path.
    check(result is not None and result >= 1140 * 0.99, f"makespan: {result} ms beats the critical path")
    check(wall is not None and result is not None and wall >= result * 0.99, "makespan: wall < RESULT")
    check(ratio is not None and ratio < 3, f"makespan: ratio {ratio} absurd")

if "rss" in sc:
    r = sc["rss"]
    hwm = stat(r.get("vmhwm_mib"), "rss.vmhwm_mib")
    rss = stat(r.get("vmrss_mib"), "rss.vmrss_mib")
    base = stat(r.get("baseline", {}).get("vmrss_mib"), "rss.baseline.vmrss_mib")
    accepted = stat(r.get("accepted"), "rss.accepted")
    check(accepted == r.get("jobs"), f"rss: {accepted} of {r.get('jobs')} accepted")
    check(base is not None and base > 0, "rss: no baseline")
    check(hwm is not None and rss is not None and hwm >= rss, "rss: VmHWM < VmRSS")
    check(hwm is not None and base is not None and hwm > base, "rss: queued jobs cost no memory")
    check(r.get("errors") == 0, "rss: errors")

if "durable" in sc:
    d = sc["durable"]
    sqlite = stat(d.get("sqlite_jobs_per_s"), "durable.sqlite_jobs_per_s")
    memory = stat(d.get("baseline", {}).get("jobs_per_s"), "durable.baseline.jobs_per_s")
    ratio = stat(d.get("ratio"), "durable.ratio")
    check(sqlite is not None and sqlite > 0, "durable: no sqlite jobs/s")
    check(memory is not None and memory > 0, "durable: no memory jobs/s")
    # Both stores do the same work; writing to disk cannot make it faster
    # by a factor, nor take all of it.
    check(ratio is not None and 0.05 < ratio < 3, f"durable: ratio {ratio} absurd")
    check(d.get("errors") == 0, "durable: errors")
    check(d.get("target", {}).get("value") == 0.70, "durable: target is not 0.70")

if problems:
    print("FAIL:")
    for p in problems:
        print("  -", p)
    sys.exit(1)
print("ok: pf bench --quick reported every scenario")
PY

/usr/bin/python3 - "$work/adapter.json" <<'PY'
import json
import sys

with open(sys.argv[1]) as f:
    doc = json.load(f)

problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

def stat(node, name):
    """A {median, min, max, values} block with finite, ordered numbers."""
    ok = (isinstance(node, dict) and isinstance(node.get("values"), list) and node["values"]
          and all(isinstance(v, (int, float)) for v in node["values"])
          and all(isinstance(node.get(k), (int, float)) for k in ("median", "min", "max")))
    check(ok, f"{name}: not a complete statistic: {node}")
    if not ok:
        return None
    check(node["min"] <= node["median"] <= node["max"], f"{name}: min <= median <= max fails")
    check(len(node["values"]) == runs, f"{name}: {len(node['values'])} values, want {runs}")
    return node["median"]

check(doc.get("ok") is True, "ok is not true")
config = doc.get("config", {})
runs = config.get("runs")
check(runs == 3 and config.get("quick") is True, f"quick preset not applied: {config}")
sc = doc.get("scenarios", {})
check(list(sc) == ["adapter"], f"--scenario adapter ran {list(sc)}")
a = sc.get("adapter", {})
check(a.get("runs") == runs, f"adapter: runs != {runs}")
check(a.get("provider") == "websearch" and a.get("window") == 64, "adapter: provider or window")
check(a.get("errors") == 0, f"adapter: {a.get('errors')} errors")

c = a.get("cached", {})
check(c.get("calls") == config.get("adapter_calls") == 2000, "adapter: --quick calls != 2000")
cached = stat(c.get("per_s"), "cached.per_s")
c50 = stat(c.get("p50_ms"), "cached.p50_ms")
c99 = stat(c.get("p99_ms"), "cached.p99_ms")
base = stat(c.get("baseline", {}).get("per_s"), "cached.baseline.per_s")
b50 = stat(c.get("baseline", {}).get("p50_ms"), "cached.baseline.p50_ms")
ratio = stat(c.get("ratio_per_s"), "cached.ratio_per_s")
check(cached is not None and cached > 0 and base is not None and base > 0, "adapter: no calls/s")
check(c50 is not None and c50 > 0 and c99 is not None and c99 >= c50, "adapter: cached p50/p99")
check(b50 is not None and b50 > 0, "adapter: unknown-op p50 not positive")
check(ratio is not None and ratio > 0, "adapter: cached/baseline ratio not positive")

fe = a.get("fetch", {})
fetch = stat(fe.get("per_s"), "fetch.per_s")
f50 = stat(fe.get("p50_ms"), "fetch.p50_ms")
check(fetch is not None and fetch > 0, "adapter: no fetch calls/s")
check(f50 is not None and f50 > 0, "adapter: fetch p50 not positive")
check(stat(fe.get("ratio_per_s"), "fetch.ratio_per_s") is not None, "adapter: fetch ratio")

r = a.get("rate", {})
calls = r.get("calls")
check(calls == config.get("rate_calls") == 100, "adapter: --quick rate calls != 100")
check(r.get("emulator_limit") == {"limit": 100, "window_ms": 1000}, f"rate: {r.get('emulator_limit')}")
allowed = r.get("baseline", {}).get("allowed_s")
check(isinstance(allowed, float) and abs(allowed - (calls - 1) * 0.01 * 1.01) < 1e-9,
      f"rate: allowed_s {allowed}")
requests = r.get("requests", {}).get("values", [])
check(requests and all(v == calls for v in requests), f"rate: requests {requests}, want {calls}")
# The adapter keeps the provider's limit: nothing refused, never more than
# the limit in one window, and it cannot finish before the limit allows.
check(r.get("rate_limited") == 0, f"rate: pf-fakeapi refused {r.get('rate_limited')}")
check(r.get("max_in_window", {}).get("max", 999) <= 100, f"rate: max_in_window {r.get('max_in_window')}")
rr = stat(r.get("ratio"), "rate.ratio")
check(rr is not None and 0.95 <= rr < 3, f"rate: elapsed / allowed = {rr}")
check(r.get("errors") == 0, "rate: errors")

if problems:
    print("FAIL:")
    for p in problems:
        print("  -", p)
    sys.exit(1)
print("ok: pf bench --quick --scenario adapter reported cached, fetch and rate")
PY
