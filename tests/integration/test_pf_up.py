#!/usr/bin/python3
"""pf up and pf module end to end: the usage errors without --simulate, then a
simulated constellation on ipc:// endpoints in a temporary directory that
serves one job, and a SIGTERM that stops every child and exits 0."""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

PF = os.environ["PF_BIN"]
DEADLINE_S = 60
# pf up's children offline: coordinator, pf-fakeapi, 5 adapters, 15 modules.
CHILDREN = 22

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def pf(args, env=None):
    return subprocess.run([PF] + args, capture_output=True, text=True, timeout=DEADLINE_S,
                          env=env)


def children_of(pid):
    """Pids whose parent is pid, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def read_line(stream, deadline):
    """One line from a pipe, or None once the deadline passes."""
    buf = b""
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        chunk = os.read(fd, 1)
        if not chunk:
            break
        buf += chunk
        if chunk == b"\n":
            return buf.decode()
    return None


def usage_errors():
    r = pf(["module", "no_such_module", "--simulate", "0"])
    check(r.returncode == 2, f"unknown module exits 2 (got {r.returncode})")
    check("unknown module 'no_such_module'" in r.stderr, "unknown module is named")
    # Every module has its logic built in: a bad seller profile is what
    # stops a real module actor before it starts.
    r = pf(["module", "company_context", "--profile", "/nonexistent/profile.json"])
    check(r.returncode != 0, f"a missing seller profile stops pf module (got {r.returncode})")
    check("/nonexistent/profile.json" in r.stderr, "the missing profile is named")
    r = pf(["up", "--simulate", "-3"])
    check(r.returncode == 2, "a negative scale is a usage error")
    # pf up checks the seller profile before it starts anything, so a bad
    # one is one clear error rather than fifteen crashing modules.
    with tempfile.TemporaryDirectory(prefix="pf-up-profile-") as d:
        env = dict(os.environ, PF_DATA_DIR=f"{d}/data",
                   PF_CLIENT_ENDPOINT=f"ipc://{d}/client",
                   PF_TAP_ENDPOINT=f"ipc://{d}/tap",
                   PF_ACTOR_ENDPOINT=f"ipc://{d}/actor")
        r = subprocess.run([PF, "up", "--profile", "/nonexistent/profile.json"], env=env,
                           capture_output=True, text=True, timeout=DEADLINE_S)
        check(r.returncode == 2, f"pf up with a missing profile exits 2 (got {r.returncode})")
        check("seller profile" in r.stderr and "/nonexistent/profile.json" in r.stderr,
              f"the missing profile is named: {r.stderr!r}")
        bad = f"{d}/bad.json"
        with open(bad, "w") as f:
            f.write('{"seller": {"name": 7}}')
        r = subprocess.run([PF, "up"], env=dict(env, PF_SELLER_PROFILE=bad),
                           capture_output=True, text=True, timeout=DEADLINE_S)
        check(r.returncode == 2, f"pf up with an invalid profile exits 2 (got {r.returncode})")
        check(bad in r.stderr, f"the invalid profile is named: {r.stderr!r}")
        check(not os.path.exists(f"{d}/data/partnerforge.db"),
              "nothing started before the profile was checked")
        for args in (["--profile", bad, "--simulate", "0"], ["--profile", ""]):
            r = subprocess.run([PF, "up"] + args, env=env, capture_output=True, text=True,
                               timeout=DEADLINE_S)
            check(r.returncode == 2, f"pf up {args} is a usage error (got {r.returncode})")


def constellation():
    with tempfile.TemporaryDirectory(prefix="pf-up-") as d:
        env = dict(os.environ,
                   PF_CLIENT_ENDPOINT=f"ipc://{d}/client",
                   PF_TAP_ENDPOINT=f"ipc://{d}/tap",
                   PF_ACTOR_ENDPOINT=f"ipc://{d}/actor",
                   PF_DATA_DIR=f"{d}/data")
        log = open(f"{d}/up.log", "w+")
        up = subprocess.Popen([PF, "up", "--simulate", "0.001"], env=env,
                              stdout=subprocess.PIPE, stderr=log)
        try:
            offline = read_line(up.stdout, time.monotonic() + DEADLINE_S)
            check(offline is not None and "OFFLINE" in offline and "pf-fakeapi" in offline,
                  f"pf up says loudly it runs offline on pf-fakeapi (got {offline!r})")
            line = read_line(up.stdout, time.monotonic() + DEADLINE_S)
            check(line is not None and
                  "started the coordinator, 5 adapters and 15 module actors" in line,
                  f"pf up announces the start (got {line!r})")
            kids = children_of(up.pid)
            check(len(kids) == CHILDREN,
                  f"{CHILDREN} children (coordinator, pf-fakeapi, 5 adapters, 15 modules), "
                  f"got {len(kids)}")

            r = pf(["enrich", "stripe.com", "--json", "--timeout", "30"], env=env)
            check(r.returncode == 0, f"enrich exits 0 (got {r.returncode}: {r.stderr})")
            if r.returncode == 0:
                body = json.loads(r.stdout)
                check(body.get("status") == "completed", "the job completes")
                results = body.get("results", {})
                check(len(results) == 15, f"15 module results, got {len(results)}")
                brief = results.get("strategic_signal_brief", {})
                check(brief.get("simulated") is True, "results are marked simulated")
                check(len(brief.get("inputs", [])) == 14, "the brief received 14 inputs")

            up.send_signal(signal.SIGTERM)
            rc = up.wait(timeout=DEADLINE_S)
            check(rc == 0, f"pf up exits 0 after SIGTERM (got {rc})")
            left = [k for k in kids if alive(k)]
            check(not left, f"no child left running: {left}")
            log.seek(0)
            text = log.read()
            check("every child stopped" in text, "the supervisor reaped every child")
            check("GIVING UP" not in text, "no child was given up on")
            # Every child, the actors after their drain and then the
            # coordinator, exits 0 on SIGTERM (a sanitizer finding would not).
            clean = text.count("exited with status 0")
            check(clean == CHILDREN, f"{CHILDREN} children exited 0 on SIGTERM, got {clean}")
            if failures:
                print(text[-4000:], file=sys.stderr)
        finally:
            if up.poll() is None:
                up.kill()   # the children die with it (PR_SET_PDEATHSIG)
                up.wait()
            up.stdout.close()
            log.close()


def real_providers():
    """With a provider key set, pf up uses the real APIs: it starts the
    adapters whose configuration can work (BuiltWith with its key, Yahoo,
    which needs none) and says why it leaves the others out; no pf-fakeapi.
    Nothing is called, so nothing leaves this machine."""
    with tempfile.TemporaryDirectory(prefix="pf-up-real-") as d:
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("PF_") and (k.endswith("_KEY") or k.endswith("_BASE") or
                                                k.endswith("USER_AGENT")))}
        env.update(PF_BIN=PF, PF_CLIENT_ENDPOINT=f"ipc://{d}/client",
                   PF_TAP_ENDPOINT=f"ipc://{d}/tap", PF_ACTOR_ENDPOINT=f"ipc://{d}/actor",
                   PF_DATA_DIR=f"{d}/data", PF_BUILTWITH_KEY="not-a-real-key")
        log = open(f"{d}/up.log", "w+")
        up = subprocess.Popen([PF, "up", "--simulate", "0.001"], env=env,
                              stdout=subprocess.PIPE, stderr=log)
        try:
            line = read_line(up.stdout, time.monotonic() + DEADLINE_S)
            check(line is not None and "using the real provider APIs (2 of 5 adapters started)"
                  in line, f"pf up says it uses the real APIs (got {line!r})")
            line = read_line(up.stdout, time.monotonic() + DEADLINE_S)
            check(line is not None and "2 adapters and 15 module actors" in line,
                  f"pf up announces the start (got {line!r})")
            kids = children_of(up.pid)
            check(len(kids) == 18, f"18 children (coordinator, 2 adapters, 15 modules), "
                                   f"got {len(kids)}")
            up.send_signal(signal.SIGTERM)
            rc = up.wait(timeout=DEADLINE_S)
            check(rc == 0, f"pf up exits 0 after SIGTERM (got {rc})")
            log.seek(0)
            text = log.read()
            for name, why in (("similarweb", "PF_SIMILARWEB_KEY"),
                              ("websearch", "PF_WEBSEARCH_KEY"),
                              ("sec_edgar", "User-Agent with a contact")):
                check(f"not starting the {name} adapter" in text and why in text,
                      f"pf up says why {name} is not started")
            check("pf-fakeapi" not in text.replace("or the base URL of pf-fakeapi", ""),
                  "no pf-fakeapi with real providers")
        finally:
            if up.poll() is None:
                up.kill()
                up.wait()
            up.stdout.close()
            log.close()


def main():
    usage_errors()
    constellation()
    real_providers()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
