# tools/common.sh — shared by tools/test, tools/quickstart and tools/fuzz
# (sourced, not run).
#
# One place for what the front-door commands need: the Debian packages the
# build and the tests depend on, installing the missing ones, and configuring
# plus building a build directory.  Functions are prefixed pf_ so a sourcing
# script can tell them from its own.

# The repository root: the parent of the folder holding this file.
PF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Everything the build, the unit tests and the integration tests need on a
# fresh Debian 12.  python3-zmq/python3-msgpack serve the integration tests
# (run with /usr/bin/python3); iproute2 gives `ss` (free-port checks) and
# procps gives `ps`/`pgrep` for inspecting what the tests started; clang
# with libclang-rt-14-dev (the libFuzzer and sanitizer runtimes) builds the
# fuzzers of tools/fuzz.
PF_DEBIAN_PACKAGES=(
    build-essential cmake pkg-config
    libzmq3-dev libczmq-dev libmsgpack-dev libsodium-dev check
    libjansson-dev libsqlite3-dev libidn2-dev libcurl4-openssl-dev libmicrohttpd-dev
    python3-zmq python3-msgpack clang libclang-rt-14-dev iproute2 procps
)

# Job count for the compiler: all cores.
PF_JOBS="$(nproc 2>/dev/null || echo 2)"

pf_log() {
    printf '%s: %s\n' "${PF_PROG:-pf}" "$*" >&2
}

pf_die() {
    pf_log "error: $*"
    exit 1
}

# Prints the packages of PF_DEBIAN_PACKAGES that dpkg does not report as
# installed, one per line.  Asks dpkg only, so it works offline.
pf_missing_packages() {
    local pkg status
    for pkg in "${PF_DEBIAN_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        if [[ "$status" != "installed" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

# Installs whatever is missing.  Runs `apt-get update` only when something
# is missing, so a second run on a ready machine installs (and downloads)
# nothing.
pf_install_packages() {
    command -v dpkg-query >/dev/null 2>&1 || pf_die "dpkg-query not found: this script expects Debian 12"
    local missing
    mapfile -t missing < <(pf_missing_packages)
    if ((${#missing[@]} == 0)); then
        pf_log "all ${#PF_DEBIAN_PACKAGES[@]} Debian packages are installed"
        return 0
    fi
    pf_log "installing missing Debian packages: ${missing[*]}"
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || pf_die "not root and no sudo: install ${missing[*]} first"
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
        pf_die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}" ||
        pf_die "apt-get install failed"
    mapfile -t missing < <(pf_missing_packages)
    ((${#missing[@]} == 0)) || pf_die "still missing after install: ${missing[*]}"
}

# pf_build DIR [CMAKE_ARG...] — configures DIR (an optimised build with debug
# info, warnings as errors) and builds every target, or only the targets
# named in PF_BUILD_TARGETS (space-separated).  With PF_BUILD_QUIET=1 the
# compiler's output goes to DIR/pf-build.log and is shown only when the
# build fails.
pf_build() {
    local dir="$1"
    shift
    local targets=()
    if [[ -n "${PF_BUILD_TARGETS:-}" ]]; then
        read -r -a targets <<<"$PF_BUILD_TARGETS"
        targets=(--target "${targets[@]}")
    fi
    mkdir -p "$dir" || pf_die "cannot create $dir"
    pf_log "configuring $dir"
    cmake -S "$PF_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPF_WERROR=ON "$@" \
        >"$dir/pf-configure.log" 2>&1 || {
        cat "$dir/pf-configure.log" >&2
        pf_die "cmake configure failed (log above)"
    }
    pf_log "building $dir with $PF_JOBS jobs"
    if [[ "${PF_BUILD_QUIET:-0}" == 1 ]]; then
        cmake --build "$dir" -j"$PF_JOBS" "${targets[@]}" >"$dir/pf-build.log" 2>&1 || {
            tail -n 60 "$dir/pf-build.log" >&2
            pf_die "build failed (full log: $dir/pf-build.log)"
        }
    else
        cmake --build "$dir" -j"$PF_JOBS" "${targets[@]}" || pf_die "build failed"
    fi
}
