#!/usr/bin/env bash
# test_quickstart.sh — tools/quickstart itself, end to end, offline.
#
# Runs the script the README points newcomers to, with PF_BIN (set by ctest)
# so it uses the built pf instead of installing and building: for
# stripe.com it must end in a complete brief (all fifteen modules
# completed), for nike.com the brief must cite NIKE's latest 10-K (form,
# date, SEC URL).  Both runs are OFFLINE on pf-fakeapi and must say so, and
# must say which data is synthetic.  After each run nothing the script
# started may be left running.  quickstart picks its ports below the
# kernel's ephemeral range, so they cannot collide with the ports parallel
# tests get from bind(port 0).
set -euo pipefail

: "${PF_BIN:?PF_BIN must name the pf binary}"
: "${PF_SOURCE_DIR:?PF_SOURCE_DIR must name the source tree}"
PY=/usr/bin/python3
QUICKSTART="$PF_SOURCE_DIR/tools/quickstart"
STOP_DEADLINE_S=30     # how long a left-over process may take to go

work="$(mktemp -d "${TMPDIR:-/tmp}/pf-quickstart-test-XXXXXX")"
qs_pid=""

# The pids of processes whose environment names a data dir under $work:
# what quickstart started (pf up and its children inherit PF_DATA_DIR).
leftovers() {
    "$PY" - "$work" <<'PY'
import os, sys
root = sys.argv[1].encode()
me = os.getpid()
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == me:
        continue
    try:
        with open("/proc/%s/environ" % pid, "rb") as f:
            env = f.read().split(b"\0")
    except OSError:
        continue
    if any(e.startswith(b"PF_DATA_DIR=" + root) for e in env):
        print(pid)
PY
}

cleanup() {
    local status=$?
    if [[ -n "$qs_pid" ]] && kill -0 "$qs_pid" 2>/dev/null; then
        kill -TERM "$qs_pid" 2>/dev/null || true   # its trap stops pf up
        wait "$qs_pid" 2>/dev/null || true
    fi
    local pid
    for pid in $(leftovers); do
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

# run DOMAIN: runs quickstart for DOMAIN with its temp dir under $work;
# stdout in $work/DOMAIN.out, stderr in $work/DOMAIN.err; insists on exit 0
# and on nothing left running afterwards.
run() {
    local domain=$1 rc
    set +e
    TMPDIR="$work" PF_BIN="$PF_BIN" "$QUICKSTART" "$domain" \
        >"$work/$domain.out" 2>"$work/$domain.err" &
    qs_pid=$!
    wait "$qs_pid"
    rc=$?
    set -e
    qs_pid=""
    if [[ $rc -ne 0 ]]; then
        echo "--- stdout"; tail -n 60 "$work/$domain.out"
        echo "--- stderr"; tail -n 60 "$work/$domain.err"
        fail "quickstart $domain exited $rc"
    fi
    local start=$SECONDS
    while [[ -n "$(leftovers)" ]]; do
        ((SECONDS - start < STOP_DEADLINE_S)) || fail "quickstart $domain left $(leftovers) running"
    done
    grep -q "using $PF_BIN (PF_BIN): no install, no build" "$work/$domain.err" \
        || fail "quickstart $domain did not use PF_BIN: $(head -3 "$work/$domain.err")"
}

# check DOMAIN PYTHON: runs PYTHON with `out` = quickstart's stdout.
check() {
    "$PY" - "$work/$1.out" "$2" <<'PY' || fail "$1: $2"
import re, sys
out = open(sys.argv[1], encoding="utf-8").read()
ok = eval(sys.argv[2], {"out": out, "re": re})
if not ok:
    print(out[-4000:])
    sys.exit(1)
PY
}

# What every run must show: offline, real modules, a complete brief, the
# synthetic notice top and bottom of the brief (the competitors are
# synthesised by pf-fakeapi), no simulated workload.
common_checks() {
    local domain=$1 name=$2
    check "$domain" '"OFFLINE" in out and "pf-fakeapi" in out'
    check "$domain" '"SIMULATED" not in out and "simulated:true" not in out.replace(" ", "")'
    check "$domain" '"# Strategic signal brief: '"$name"' ('"$domain"')" in out'
    check "$domain" 're.search(r"\*\*Job\*\* job_[0-9a-f]{24} for '"$domain"': \*\*completed\*\* in [0-9.]+ s; 15 of 15 modules completed\.", out)'
    # The notice opens the brief and closes it (then the closing banner).
    check "$domain" 'len(re.findall(r"^> \*\*SYNTHETIC DATA\*\*: .*competitor_intelligence", out, re.M)) == 2'
    check "$domain" 'out.index("> **SYNTHETIC DATA**") < out.index("# Strategic signal brief")'
    check "$domain" 'out.rindex("> **SYNTHETIC DATA**") > out.index("**Job** job_")'
    check "$domain" '"OFFLINE, with SYNTHETIC data" in out and "every module completed; pf enrich exited 0." in out'
    for section in "## Why now" "## Who to talk to" "## What to say" "## Displacement angle" \
        "## Proof points" "## Risks and unknowns" "## Sources"; do
        check "$domain" '"\n'"$section"'\n" in out'
    done
}

expect_usage() {
    set +e
    PF_BIN="$PF_BIN" "$QUICKSTART" "$@" >"$work/usage.out" 2>&1
    local rc=$?
    set -e
    [[ $rc -eq 2 ]] || fail "quickstart $* exited $rc, want 2"
}
expect_usage --bogus
expect_usage a.com b.com
PF_BIN="$PF_BIN" "$QUICKSTART" --help >"$work/usage.out"
grep -q "PF_BIN=PATH" "$work/usage.out" || fail "quickstart --help does not document PF_BIN"

run stripe.com
common_checks stripe.com "Stripe, Inc."

run nike.com
common_checks nike.com "NIKE, Inc."
# NIKE files with the SEC (CIK 320187): the brief cites its latest 10-K
# with its date and its EDGAR URL, on one line.
check nike.com 're.search(r"^.*\b10-K\b.*\b20[0-9]{2}-[01][0-9]-[0-3][0-9]\b.*https://www\.sec\.gov/Archives/edgar/data/320187/[0-9]+/[^ )]+\.htm", out, re.M)'

echo "PASS: test_quickstart"
