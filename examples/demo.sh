#!/usr/bin/env bash
# What `make demo` runs: a new database, the bundled example plans imported, a few progress
# reports logged, then the board, a unit's task list and this week's report.
# The database and "today" come from the Makefile (TRACKER_DB, TRACKER_TODAY). An existing demo
# database is kept as it is (its board is shown) unless FRESH=1 asks for a new one.
set -euo pipefail
cd "$(dirname "$0")/.."
T=${TRACKER_BIN:-.venv/bin/tracker}
PLANS=examples/plans
DB_FILE=${TRACKER_DB#sqlite:///}
DB_DIR=$(dirname "$DB_FILE")

step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
# The id of the first task whose title contains $1.
tid() { $T task list --search "$1" --format csv | sed -n 2p | cut -d, -f1; }

how_to_look() {
  printf '\n演示数据库：%s\n' "$DB_FILE"
  printf '在命令行查看演示数据（与演示相同的“今天” %s）：\n' "$TRACKER_TODAY"
  printf '  export TRACKER_DB=%s TRACKER_TODAY=%s\n  .venv/bin/tracker board\n' "$DB_FILE" "$TRACKER_TODAY"
  printf '重建演示数据库：make demo FRESH=1\n'
}

if [ -e "$DB_FILE" ] && [ "${FRESH:-0}" != 1 ]; then
  echo "演示数据库已存在，保留不动：$DB_FILE（要重建请运行 make demo FRESH=1）"
  step "督办看板"
  $T board
  how_to_look
  exit 0
fi
rm -f "$DB_FILE" "$DB_FILE-wal" "$DB_FILE-shm"

step "初始化数据库"
$T init

step "解析预览：2025年工作要点（只看不写）"
$T plan parse "$PLANS/2025年县发展和改革委员会工作要点.md"

step "导入四个单位的下半年工作计划汇编，以及水利局的 Word 计划"
$T plan import "$PLANS/2024下半年工作计划汇编.txt"
$T plan import "$PLANS/某县水利局2024年下半年工作计划.docx"

step "各单位填报进展"
teachers=$(tid 加强教师队伍建设)
$T task update "$teachers" --target 1 --value 96 --note "已招聘96名，其余24名面试中" --by 王芳 --on 2024-09-28
$T task update "$teachers" --target 2 --value 24 --by 王芳 --on 2024-09-28
$T task update "$teachers" --target 3 --value 85 --note "存在的问题：部分乡村教师工学矛盾突出。下一步：10月集中补训" --by 王芳 --on 2024-10-12
$T task update "$(tid 扩大优质学位供给)" --target 2 --value 3 --note "城北学校主体完工" --by 李明 --on 2024-10-09
$T task update "$(tid 基层做实)" --target 1 --value 11 --note "已建成11家，3家装修中" --by 张伟 --on 2024-10-10
$T task update "$(tid 稳定粮食生产)" --target 2 --value 2.5 --note "高标准农田全部完工" --by 赵强 --on 2024-10-08
$T task update "$(tid 抓好城市更新)" --target 1 --value 9 --note "开工9个，其余13个在招标" --by 刘洋 --on 2024-09-20
$T task update "$(tid 水利工程建设)" --percent 40 --note "3座水库除险加固主体完成2座" --by 陈静 --on 2024-10-11
$T task update "$(tid 推进教育数字化)" --target 1 --value 32 --note "智慧教室已建成32间" --by 李明 --on 2024-10-14
special=$(tid 办好特殊教育)
$T task update "$special" --target 1 --value 5 --note "5间资源教室全部建成" --by 李明 --on 2024-09-30
$T task update "$special" --target 2 --value 88 --by 李明 --on 2024-10-14
$T task update "$(tid 开展校园安全隐患排查)" --value 1 --note "三季度排查已完成" --by 孙丽 --on 2024-09-25
$T task update "$(tid 明厨亮灶)" --percent 75 --by 孙丽 --on 2024-10-11
$T task update "$(tid 医院做强)" --percent 55 --note "新院区主体施工至16层" --by 张伟 --on 2024-10-12
$T task update "$(tid 做好重点传染病防控)" --value 96.3 --note "接种率96.3%" --by 张伟 --on 2024-10-08
$T task done "$(tid 修订完善防汛应急预案)" --note "预案已印发" --by 陈静 --on 2024-09-15
$T task update "$(tid 完成农村户厕改造)" --value 1300 --note "存在问题：个别村群众意愿不强" --by 赵强 --on 2024-10-13
$T task update "$(tid 培育新型经营主体)" --target 1 --value 4 --by 赵强 --on 2024-10-10
$T task update "$(tid 培育新型经营主体)" --target 2 --value 21 --by 赵强 --on 2024-10-10
$T task update "$(tid 保障住房安全)" --target 1 --value 112 --by 刘洋 --on 2024-10-12
$T task update "$(tid 保障住房安全)" --target 2 --value 210 --by 刘洋 --on 2024-10-12

step "同一文件再导入一次：不产生任何变化"
$T plan import "$PLANS/2024下半年工作计划汇编.txt"

step "督办看板"
$T board

step "某县教育局的任务"
$T task list --unit 某县教育局

if $T report --help >/dev/null 2>&1; then
  step "本周督办周报"
  $T report weekly --format md --output "$DB_DIR/demo-weekly.md"
  echo "周报已写入 $DB_DIR/demo-weekly.md"
fi
how_to_look
