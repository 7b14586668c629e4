#!/usr/bin/env bash
# test_cli.sh — the client side of the pf command, end to end.
#
# Starts `pf up --simulate 0.001` (its own process group) on free loopback
# ports with a temporary data directory, waits for PING, then runs enrich,
# status, results, cancel, batch, tap and ping and checks their output and
# exit statuses.  Whatever happens, the trap stops everything it started.
# Waits poll a condition against a deadline; nothing sleeps to synchronise.
set -euo pipefail

: "${PF_BIN:?PF_BIN must name the pf binary}"
PY=/usr/bin/python3
DEADLINE_S=60          # longest any single wait may take

work="$(mktemp -d "${TMPDIR:-/tmp}/pf-cli-test-XXXXXX")"
up_pid=""
bg_pids=()
cleanup() {
    local status=$?
    for pid in "${bg_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    if [[ -n "$up_pid" ]]; then
        # The supervisor and its children share its process group.
        kill -TERM -- "-$up_pid" 2>/dev/null || true
        for _ in $(seq 300); do
            kill -0 -- "-$up_pid" 2>/dev/null || break
            wait "$up_pid" 2>/dev/null && break || true
        done
        kill -KILL -- "-$up_pid" 2>/dev/null || true
        wait "$up_pid" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && -f "$work/up.log" ]]; then
        echo "--- pf up log (tail) ---"
        tail -n 30 "$work/up.log"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

# Three free loopback ports, each picked by the kernel.
read -r p_client p_tap p_actor < <("$PY" - <<'PY'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)
export PF_CLIENT_ENDPOINT="tcp://127.0.0.1:$p_client"
export PF_TAP_ENDPOINT="tcp://127.0.0.1:$p_tap"
export PF_ACTOR_ENDPOINT="tcp://127.0.0.1:$p_actor"
export PF_DATA_DIR="$work/data"

pf() { "$PF_BIN" "$@"; }

# expect STATUS CMD...: runs CMD with stdout in $work/out, stderr in
# $work/err, and insists on the exit status.
expect() {
    local want=$1; shift
    set +e
    "$@" >"$work/out" 2>"$work/err"
    local rc=$?
    set -e
    if [[ $rc -ne $want ]]; then
        echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
        fail "'$*' exited $rc, want $want"
    fi
}

# jcheck PYTHON-EXPR: evaluates EXPR with d = the JSON of $work/out.
jcheck() {
    "$PY" - "$work/out" "$1" <<'PY' || fail "JSON check failed: $1"
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
ok = eval(sys.argv[2], {"d": d})
if not ok:
    print(json.dumps(d, indent=2)[:3000])
    sys.exit(1)
PY
}

# ---------------------------------------------------------- no server
expect 0 pf --help
grep -q "enrich" "$work/out" || fail "pf --help does not list enrich"
expect 0 pf help
expect 0 pf --version
grep -q "^pf (PartnerForge) " "$work/out" || fail "pf --version: $(cat "$work/out")"
expect 2 pf no-such-command
expect 2 pf
expect 0 pf enrich --help
expect 2 pf enrich
expect 2 pf enrich stripe.com --priority urgent
expect 2 pf enrich stripe.com --modules a,,b
expect 2 pf enrich stripe.com --json --format md
expect 2 pf enrich stripe.com --format md --format json
expect 2 pf enrich stripe.com --format html
expect 2 pf results job_0123 --format md --json
expect 2 pf results job_0123 --format
expect 2 pf batch domains.txt --full=yes
expect 2 pf status not-an-id
expect 2 pf results batch_0123
expect 2 pf cancel
expect 2 pf tap --count 0
expect 2 pf batch
expect 2 pf ping --timeout soon
PF_HEARTBEAT_MS=often expect 2 pf ping
# Nobody listens yet: ping times out.
expect 1 pf ping --timeout 0.3
grep -q "no reply" "$work/err" || fail "ping without server: $(cat "$work/err")"

# ---------------------------------------------------------- start
setsid "$PF_BIN" up --simulate 0.001 >"$work/up.log" 2>&1 &
up_pid=$!
ready=""
for _ in $(seq $((DEADLINE_S * 5))); do
    if pf ping --timeout 0.2 >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$up_pid" 2>/dev/null || fail "pf up exited early"
done
[[ -n "$ready" ]] || fail "coordinator never answered PING"

# The coordinator answers before every module actor has registered; a
# whole job going through says they have.
done_once=""
start=$SECONDS
while (( SECONDS - start < DEADLINE_S )); do
    set +e
    pf enrich warmup.com --json --timeout 10 >"$work/out" 2>"$work/err"; rc=$?
    set -e
    if [[ $rc -eq 0 ]]; then done_once=1; break; fi
done
[[ -n "$done_once" ]] || fail "no job completed within ${DEADLINE_S}s: $(cat "$work/err")"

# ---------------------------------------------------------- ping
expect 0 pf ping
grep -Eq '^PONG version=[^ ]+ uptime_s=[0-9.]+$' "$work/out" || fail "ping: $(cat "$work/out")"
expect 0 pf ping --json
jcheck '"version" in d and d["uptime_s"] >= 0'

# ---------------------------------------------------------- enrich
expect 0 pf enrich stripe.com --json
jcheck 'd["status"] == "completed" and d["domain"] == "stripe.com" and len(d["results"]) == 15'
jcheck 'all(r["simulated"] is True for r in d["results"].values())'
jcheck 'd["synthetic"] is False'
jcheck 'd["job_id"].startswith("job_") and d["failed_modules"] == [] and d["pending_modules"] == []'
grep -q "SIMULATED" "$work/err" || fail "enrich --json did not warn of simulated data on stderr"

# Not a terminal: JSON unless --format md.
expect 0 pf enrich stripe.com
jcheck 'd["status"] == "completed" and len(d["results"]) == 15 and d["synthetic"] is False'
expect 0 pf enrich stripe.com --format md
grep -Eq '^\*\*Job\*\* job_[0-9a-f]{24} for stripe.com: \*\*completed\*\* in [0-9.]+ s; 15 of 15 modules completed\.$' "$work/out" \
    || fail "enrich summary: $(head -5 "$work/out")"
[[ $(grep -c "SIMULATED DATA" "$work/out") -eq 2 ]] || fail "enrich summary lacks the simulated notice twice"
grep -q "^| strategic_signal_brief | completed | " "$work/out" || fail "enrich summary lacks modules"
grep -q "^\*\*No brief:\*\* the modules ran simulated" "$work/out" || fail "enrich summary: why no brief"

expect 0 pf enrich github.com --modules hiring_signals --priority high --json
jcheck 'sorted(d["completed_modules"]) == ["company_context", "hiring_signals"]'

expect 1 pf enrich localhost
grep -q "ERROR invalid_domain" "$work/err" || fail "enrich localhost: $(cat "$work/err")"
expect 1 pf enrich example.com --modules no_such_module
grep -q "ERROR unknown_module" "$work/err" || fail "unknown module: $(cat "$work/err")"

# --async prints the job id alone.
expect 0 pf enrich example.org --async
job="$(cat "$work/out")"
[[ "$job" =~ ^job_[0-9a-f]{24}$ ]] || fail "enrich --async printed '$job'"
expect 0 pf enrich example.net --async --json
jcheck 'd["job_id"].startswith("job_") and d["status"] == "queued"'

# ---------------------------------------------------------- status / results / cancel
expect 0 pf status "$job"
jcheck 'd["job_id"] == "'"$job"'" and d["domain"] == "example.org" and "modules" in d'
# Poll until it ends (simulated modules take milliseconds).
start=$SECONDS
while :; do
    expect 0 pf status "$job" --json
    if "$PY" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["status"] != "completed")' \
        "$work/out"; then break; fi
    (( SECONDS - start < DEADLINE_S )) || fail "job $job never completed"
done
expect 0 pf results "$job"
jcheck 'd["status"] == "completed" and len(d["results"]) == 15 and d["synthetic"] is False'
expect 0 pf results "$job" --format md
grep -q "| company_context | completed | " "$work/out" || fail "results --format md: $(head -5 "$work/out")"
expect 1 pf results "$job" --brief
grep -q "has no strategic signal brief" "$work/err" || fail "results --brief: $(cat "$work/err")"
expect 0 pf results "$job" --partial --json
jcheck 'd["job_id"] == "'"$job"'"'
expect 0 pf cancel "$job"
jcheck 'd["job_id"] == "'"$job"'" and "status" in d'
expect 1 pf status job_000000000000000000000000
grep -q "ERROR not_found" "$work/err" || fail "status of unknown job: $(cat "$work/err")"
expect 1 pf results job_000000000000000000000000
expect 1 pf cancel batch_000000000000000000000000

# ---------------------------------------------------------- batch
printf '# accounts\nstripe.com\n\n  notion.so  \nlocalhost\r\nfigma.com\n' >"$work/domains.txt"
expect 1 pf batch "$work/domains.txt"
grep -q "rejected localhost: invalid_domain" "$work/err" || fail "batch rejection: $(cat "$work/err")"
[[ $(wc -l <"$work/out") -eq 3 ]] || fail "batch wrote $(wc -l <"$work/out") lines, want 3"
"$PY" - "$work/out" <<'PY' || fail "batch lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["domain"] for l in lines] == ["stripe.com", "notion.so", "figma.com"], lines
keys = {"domain", "job_id", "status", "duration_ms", "synthetic", "synthetic_modules", "modules",
        "failed_modules", "skipped_modules", "brief"}
for l in lines:
    assert set(l) == keys, l.keys()
    assert l["status"] == "completed" and len(l["modules"]) == 15, l
    assert set(l["modules"].values()) == {"completed"} and l["synthetic"] is False, l
    assert l["brief"] is None, l    # simulated: no brief
PY
printf 'stripe.com\n' | { expect 0 pf batch - --full --modules company_context; }
jcheck 'd["domain"] == "stripe.com" and list(d["results"]) == ["company_context"] and d["synthetic"] is False'

printf 'a-company.com\nb-company.com\n' | {
    expect 0 pf batch - --max-concurrency 1 --modules company_context --priority low
}
[[ $(wc -l <"$work/out") -eq 2 ]] || fail "batch from stdin wrote $(wc -l <"$work/out") lines"
expect 1 pf batch "$work/no-such-file"
printf '# nothing\n\n' >"$work/empty.txt"
expect 2 pf batch "$work/empty.txt"
expect 2 pf batch "$work/domains.txt" --max-concurrency 0

# ---------------------------------------------------------- tap
# --count: stops after N events; jobs are started until it has them.
# Background runs name the binary itself, so $! is pf and not a subshell.
"$PF_BIN" tap job. --count 3 --timeout "$DEADLINE_S" >"$work/tap.out" 2>"$work/tap.err" &
tap_pid=$!
bg_pids+=("$tap_pid")
while kill -0 "$tap_pid" 2>/dev/null; do
    pf enrich tap-test.com --async >/dev/null
done
set +e
wait "$tap_pid"; rc=$?
set -e
[[ $rc -eq 0 ]] || fail "pf tap --count 3 exited $rc: $(cat "$work/tap.err")"
[[ $(wc -l <"$work/tap.out") -eq 3 ]] || fail "pf tap --count 3 printed $(wc -l <"$work/tap.out") lines"
"$PY" - "$work/tap.out" <<'PY' || fail "tap lines"
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["topic"].startswith("job.") and e["type"] == e["topic"], e
    assert isinstance(e["ts"], (int, float)) and e["job_id"].startswith("job_"), e
PY

# SIGTERM ends it with status 0 (once it is surely running: it printed).
"$PF_BIN" tap module. >"$work/tap2.out" 2>"$work/tap2.err" &
tap_pid=$!
bg_pids+=("$tap_pid")
start=$SECONDS
until [[ -s "$work/tap2.out" ]]; do
    pf enrich tap-test2.com --async >/dev/null
    (( SECONDS - start < DEADLINE_S )) || fail "pf tap module. saw no events"
done
kill -TERM "$tap_pid"
set +e
wait "$tap_pid"; rc=$?
set -e
[[ $rc -eq 0 ]] || fail "pf tap after SIGTERM exited $rc"
head -n 1 "$work/tap2.out" | "$PY" -c 'import json,sys; e=json.loads(sys.stdin.readline()); assert e["topic"].startswith("module.") and "module" in e, e' \
    || fail "tap module line"

# --timeout with nothing to see.
expect 0 pf tap no.such.topic --timeout 0.3
[[ ! -s "$work/out" ]] || fail "pf tap no.such.topic printed events"
expect 1 pf tap no.such.topic --count 1 --timeout 0.3

echo "PASS: test_cli"
