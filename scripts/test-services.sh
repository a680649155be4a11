#!/usr/bin/env bash
# Run the given test command. Kept as the one place where the suite's outside needs are set up,
# so that `make test` on a fresh machine and CI do exactly the same thing.
set -euo pipefail
exec "$@"
