#!/usr/bin/env bash
# Make sure what the test suite needs from the system is present, then run the given command.
#  - PostgreSQL server binaries (the suite starts its own throwaway server as user postgres)
#  - headless Chromium and a CJK font (the HTML report is rendered in a real browser)
# As root (CI, a fresh machine) missing Debian packages are installed; otherwise the tests that
# need them report why they were skipped.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qiE "wenquanyi|wqy|noto sans cjk|droid sans fallback" || need+=(fonts-wqy-microhei)

# Another apt/dpkg (unattended upgrades, a second `make test`) may hold the package manager's
# locks: wait for them instead of failing (scripts/wait-apt-lock.sh, APT_LOCK_WAIT seconds).
export APT_LOCK_WAIT=${APT_LOCK_WAIT:-900}
wait_for_apt() { bash "$(dirname "$0")/wait-apt-lock.sh"; }

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages for the tests: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    wait_for_apt
    apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" update -qq >/dev/null
    wait_for_apt
    apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # The postgresql package starts a cluster of its own; the suite does not use it.
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      for v in /etc/postgresql/*/main; do
        [ -d "$v" ] && pg_ctlcluster "$(basename "$(dirname "$v")")" main stop >/dev/null 2>&1 || true
      done
    fi
  else
    echo "note: missing system packages (${need[*]}); tests that need them will be skipped" >&2
  fi
fi
exec "$@"
