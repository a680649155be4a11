#!/usr/bin/env bash
# Wait until no other apt/dpkg process holds the package manager's locks (up to APT_LOCK_WAIT
# seconds, default 900), so that installing test dependencies does not fail because, say,
# unattended-upgrades is running. apt takes fcntl locks, which Python's fcntl.lockf probes
# without keeping them. APT_LOCK_FILES overrides the lock files (for tests).
set -euo pipefail
APT_LOCK_WAIT=${APT_LOCK_WAIT:-900}
export APT_LOCK_FILES=${APT_LOCK_FILES:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}
waited=0
while ! python3 - <<'PY'
import fcntl, os, sys
for path in os.environ["APT_LOCK_FILES"].split():
    if not os.path.exists(path):
        continue
    try:
        f = open(path, "a")
    except OSError:
        continue  # not ours to probe (not root): apt-get itself will say
    with f:
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            sys.exit(1)
        fcntl.lockf(f, fcntl.LOCK_UN)
PY
do
  if [ "$waited" -ge "$APT_LOCK_WAIT" ]; then
    echo "another package manager still holds the apt/dpkg lock after ${APT_LOCK_WAIT}s; giving up" >&2
    exit 1
  fi
  [ "$waited" = 0 ] && echo "waiting for another apt/dpkg process to finish (up to ${APT_LOCK_WAIT}s)..." >&2
  sleep 1
  waited=$((waited + 1))
done
