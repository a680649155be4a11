#!/usr/bin/env bash
# The demo `make demo` runs: a fresh database, the bundled example plan imported, the board shown.
set -euo pipefail
cd "$(dirname "$0")/.."
T=.venv/bin/tracker
$T init
$T unit add 某县卫生健康局
$T task add "建设社区健康服务机构" --unit 某县卫生健康局 --target "年底前建设14家社康机构" --owner 李明
$T task update 1 --value 9 --note "已建成9家，其余5家主体完工" --by 李明 --on 2024-10-10
$T board
$T task list
