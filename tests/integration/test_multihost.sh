#!/usr/bin/env bash
# test_multihost.sh — actors on two hosts work as one, and survive a partition.
#
# Two network namespaces joined by a veth pair stand for two hosts: the
# coordinator and one instance of every module run on host A, a second
# instance of every module on host B, reaching A over the veth link.  Checks:
#   1. with host A's instance of a module stopped, jobs complete through host B's;
#   2. the link goes down: A declares B's instances lost, work continues on A;
#   3. the link comes back: B's actors reconnect by themselves, re-register
#      and take work again.
# Needs root and iproute2 (exit 77 = skipped otherwise).  Everything this
# test creates — namespaces and processes — is removed on exit.
set -euo pipefail

PF_BIN=${PF_BIN:?PF_BIN must name the pf executable}
PY=/usr/bin/python3
if [[ $EUID -ne 0 ]] || ! command -v ip >/dev/null; then
    echo "skipped: needs root and iproute2"
    exit 77
fi

tag=$$
nsa=pfa$tag
nsb=pfb$tag
# A /30 per test run, derived from the pid, inside 10.250.0.0/16, used only
# inside the two namespaces this test owns.
o3=$(((tag >> 6) % 250))
o4=$(((tag % 64) * 4))
ipa=10.250.$o3.$((o4 + 1))
ipb=10.250.$o3.$((o4 + 2))
work=$(mktemp -d /tmp/pf-multihost.XXXXXX)
pids=()

cleanup() {
    set +e
    for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
    for _ in $(seq 1 100); do
        alive=0
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
    ip netns del "$nsa" 2>/dev/null
    ip netns del "$nsb" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$nsa" || { echo "skipped: cannot create network namespaces"; exit 77; }
ip netns add "$nsb"
ip link add "va$tag" type veth peer name "vb$tag"
ip link set "va$tag" netns "$nsa"
ip link set "vb$tag" netns "$nsb"
ip -n "$nsa" addr add "$ipa/30" dev "va$tag"
ip -n "$nsb" addr add "$ipb/30" dev "vb$tag"
for ns in "$nsa" "$nsb"; do ip -n "$ns" link set lo up; done
ip -n "$nsa" link set "va$tag" up
ip -n "$nsb" link set "vb$tag" up

client=tcp://127.0.0.1:5555
tap=tcp://127.0.0.1:5556
actor_bind=tcp://$ipa:5557

# Short heartbeats so a partition is noticed in well under a second.
export PF_HEARTBEAT_MS=100 PF_LIVENESS=3

start() { # NAME NS CMD... : starts CMD in its own process group inside NS
    local name=$1 ns=$2
    shift 2
    setsid ip netns exec "$ns" "$@" >"$work/$name.log" 2>&1 &
    pids+=("$!")
}

start coordinator "$nsa" "$PF_BIN" coordinator --client "$client" --tap "$tap" \
    --actor "$actor_bind" --heartbeat-ms 100 --liveness 3 --data-dir "$work/data"
ip netns exec "$nsa" "$PY" - "$client" "$tap" "$nsa" "$nsb" "$tag" "$ipa" "$PF_BIN" "$work" "$(dirname "$0")" <<'PYEOF'
import os, signal, subprocess, sys, time
import msgpack, zmq

client_ep, tap_ep, nsa, nsb, tag, ipa, pf_bin, work, here = sys.argv[1:10]
sys.path.insert(0, here)
import pfp_harness as h

# Instance names carry this run's tag so pkill can never touch another run.
A = "hostA%s-" % tag
B = "hostB%s-" % tag
ctx = zmq.Context()
c = ctx.socket(zmq.DEALER)
c.setsockopt(zmq.LINGER, 0)
c.connect(client_ep)
tap = ctx.socket(zmq.SUB)
tap.setsockopt(zmq.LINGER, 0)
tap.setsockopt(zmq.SUBSCRIBE, b"actor.")
tap.setsockopt(zmq.SUBSCRIBE, b"module.started")
tap.connect(tap_ep)
n = 0

def request(cmd, timeout=20.0, **body):
    global n
    n += 1
    body["req_id"] = str(n)
    c.send_multipart([b"", b"PFP/1", cmd.encode(), msgpack.packb(body)])
    if not c.poll(int(timeout * 1000)):
        raise SystemExit("no reply to %s" % cmd)
    f = c.recv_multipart()
    return f[2].decode(), msgpack.unpackb(f[3])

events = []
def drain_tap(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if tap.poll(20):
            topic, body = tap.recv_multipart()
            events.append(msgpack.unpackb(body))

procs = []
def start_modules():
    """Both hosts' instances of every module, started after the tap is
    subscribed so that no actor.joined event is missed."""
    for host, ns in ((A, nsa), (B, nsb)):
        for m in h.MODULES:
            log = open(os.path.join(work, "%s%s.log" % (host, m)), "w")
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", ns, "env", "PF_ACTOR_ENDPOINT=tcp://%s:5557" % ipa,
                 pf_bin, "module", m, "--simulate", "0.001", "--instance", "%s%s" % (host, m)],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

def stop_modules():
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGCONT)
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    end = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()

def joined_hosts():
    live = {}
    for e in events:
        if e["type"] == "actor.joined":
            live[e["instance"]] = True
        elif e["type"] == "actor.lost":
            live[e["instance"]] = False
    return {i for i, up in live.items() if up}

def wait(pred, what, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        drain_tap(0.05)
    raise SystemExit("timed out waiting for " + what)

deadline = time.monotonic() + 30
while True:
    try:
        request("PING", timeout=1.0)
        break
    except SystemExit:
        if time.monotonic() > deadline:
            raise

def run_jobs(count):
    """Runs count sync jobs 8 at a time; returns the instances that ran tasks."""
    start = len(events)
    done = 0
    sent = 0
    while done < count:
        while sent < count and sent - done < 8:
            global n
            n += 1
            c.send_multipart([b"", b"PFP/1", b"ENRICH", msgpack.packb(
                {"req_id": "j%d" % n, "domain": "host%d.example.com" % sent, "async": False})])
            sent += 1
        if not c.poll(30000):
            raise SystemExit("jobs stalled")
        f = c.recv_multipart()
        body = msgpack.unpackb(f[3])
        if f[2] != b"RESULT" or body["status"] != "completed":
            raise SystemExit("job did not complete: %r" % body)
        done += 1
    drain_tap(0.2)
    return events[start:]

def main():
    # Wait until both hosts' instances of every module joined (15 + 15).
    drain_tap(0.3)   # let the subscription reach the coordinator
    start_modules()
    wait(lambda: sum(1 for i in joined_hosts() if i.startswith(B)) == 15
         and sum(1 for i in joined_hosts() if i.startswith(A)) == 15, "30 instances")
    print("both hosts registered 15 instances each")

    # 1. Work crosses hosts: with host A's instance of a module stopped, jobs
    # can only complete through host B's.
    subprocess.run(["pkill", "-STOP", "-f", "instance " + A + "company_context"], check=True)
    wait(lambda: A + "company_context" not in joined_hosts(), "host A's company_context lost")
    run_jobs(20)
    print("with host A's company_context stopped, 20 jobs completed on host B")
    subprocess.run(["pkill", "-CONT", "-f", "instance " + A + "company_context"], check=True)
    wait(lambda: A + "company_context" in joined_hosts(), "host A's company_context back")

    # 2. Partition: host B disappears; every job still completes on host A.
    subprocess.run(["ip", "-n", nsb, "link", "set", "vb" + tag, "down"], check=True)
    wait(lambda: not any(i.startswith(B) for i in joined_hosts()), "host B lost")
    print("partition: all host B instances declared lost")
    run_jobs(30)
    print("during the partition, 30 jobs completed on host A")

    # 3. Heal: host B's actors reconnect and re-register by themselves.
    subprocess.run(["ip", "-n", nsb, "link", "set", "vb" + tag, "up"], check=True)
    wait(lambda: sum(1 for i in joined_hosts() if i.startswith(B)) == 15,
         "host B re-registered", timeout=30)
    print("healed: host B's 15 instances re-registered")
    subprocess.run(["pkill", "-STOP", "-f", "instance " + A + "technology_stack"], check=True)
    wait(lambda: A + "technology_stack" not in joined_hosts(), "host A's technology_stack lost")
    run_jobs(10)
    subprocess.run(["pkill", "-CONT", "-f", "instance " + A + "technology_stack"], check=True)
    print("after healing, host B serves work again: 10 jobs completed")


try:
    main()
finally:
    stop_modules()
PYEOF
echo "multihost: ok"
