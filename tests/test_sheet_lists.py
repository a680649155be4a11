"""Task lists as plans: xlsx / docx / csv tables, headers by meaning, lead and assisting units."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sheet_samples import COUNTY_ROWS, county_xlsx, school_docx
from tracker.sheets.tables import (
    ASSIST,
    DETAIL,
    DUE,
    LEAD,
    LEADER,
    OWNER,
    SEQ,
    TASK,
    UNITS,
    due_nodes,
    find_header,
    read_table,
    role_of,
    units_cell,
)

Y23 = (date(2023, 1, 1), date(2023, 12, 31))


def test_headers_read_by_meaning_as_offices_spell_them():
    spelled = {
        "序号": SEQ, "序 号": SEQ, "编号": SEQ, "重点任务": TASK, "工作任务": TASK, "工作事项": TASK,
        "具体内容": DETAIL, "目标任务": DETAIL, "工作目标": DETAIL, "牵头单位": LEAD, "责任单位": LEAD,
        "牵头部门": LEAD, "主责单位": LEAD, "配合单位": ASSIST, "协办单位": ASSIST, "配合部门": ASSIST,
        "责任领导": LEADER, "县级责任领导": LEADER, "分管领导": LEADER, "责任人": OWNER, "具体责任人": OWNER,
        "完成时限": DUE, "时间节点": DUE, "完成时间": DUE, "时限要求": DUE,
        "牵头单位及配合单位": UNITS, "责任单位（牵头/配合）": LEAD, "备注": "note",
    }
    assert {h: role_of(h) for h in spelled} == spelled
    assert role_of("") is None and role_of("2023年") is None


def test_units_cell_reads_lead_marks_and_lists():
    assert units_cell("县发改局（牵头）、县财政局") == ("县发改局", ["县财政局"])
    assert units_cell("县财政局、县发改局（牵头）") == ("县发改局", ["县财政局"])
    assert units_cell("牵头：总务处；配合：保卫科、各年级组") == ("总务处", ["保卫科", "各年级组"])
    assert units_cell("县教育局，县财政局\n县人社局") == ("县教育局", ["县财政局", "县人社局"])
    assert units_cell("") == (None, [])


def test_node_deadlines_are_split_in_order():
    nodes = due_nodes("6月底前完成方案，9月底前完成建设", *Y23)
    assert [(d, what) for d, _, what in nodes] == [(date(2023, 6, 30), "完成方案"), (date(2023, 9, 30), "完成建设")]
    assert [d for d, _, _ in due_nodes("2023年11月30日", *Y23)] == [date(2023, 11, 30)]
    assert [d for d, _, _ in due_nodes("2023-08-15", *Y23)] == [date(2023, 8, 15)]
    assert [d for d, _, _ in due_nodes("2023.10", *Y23)] == [date(2023, 10, 31)]
    assert due_nodes("长期坚持", *Y23) == []


def test_header_below_a_title_row_with_merged_header_cells():
    rows = [["清河县2023年重点任务分解表"] * 5,
            ["序号", "工作任务", "责任单位", "责任单位", "完成时限"],
            ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "修路", "县交通局", "县财政局", "10月底前"]]
    h = find_header(rows)
    assert h is not None and h.row == 2 and h.title == "清河县2023年重点任务分解表"
    assert h.columns == {0: SEQ, 1: TASK, 2: LEAD, 3: ASSIST, 4: DUE}
    assert find_header([["一、指导思想"], ["坚持以人民为中心"]]) is None


def test_a_task_over_several_rows_is_one_task_with_sub_items():
    rows = [["序号", "工作任务", "具体内容", "牵头单位", "完成时限"],
            ["1", "医疗能力", "新建村卫生室12个", "县卫健局", "9月底前"],
            ["1", "医疗能力", "签约覆盖率达到75%", "县医保局", "11月底前"],
            ["2", "修路", "新改建农村公路30公里", "县交通局", "10月底前"]]
    _, items, _, _ = read_table(rows, year=2023)
    assert [i.title for i in items] == ["医疗能力", "修路"]
    first = items[0]
    assert [c.title for c in first.children] == ["新建村卫生室12个", "签约覆盖率达到75%"]
    assert first.lead_unit == "县卫健局" and "县医保局" in first.assisting_units
    assert first.deadline == date(2023, 11, 30)
    assert [c.targets[0].value for c in first.children] == [12, 75]


ANY_CELL = st.one_of(st.none(), st.integers(-5, 3000), st.text(max_size=30),
                     st.sampled_from(["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "6月底前", "县财政局、县教育局"]))


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(ANY_CELL, max_size=7), max_size=12))
def test_reading_any_table_never_fails(rows):
    header, items, (start, end), _ = read_table(rows, year=2023)
    assert start <= end
    for it in items:
        assert it.title or it.text
        assert it.lead_unit is None or it.lead_unit.strip()


def test_county_xlsx_imports_with_lead_and_assisting_units(world):
    county_xlsx(world.path / "分解表.xlsx")
    doc = world.json("plan", "parse", "分解表.xlsx")
    unit = doc["units"][0]
    assert unit["name"] == "清河县" and unit["period"] == {"start": "2023-01-01", "end": "2023-12-31"}
    items = unit["items"]
    assert [i["title"] for i in items] == ["推进重点项目建设", "老旧小区改造", "新建公办幼儿园", "就业促进"]
    assert items[1]["lead_unit"] == "县住房和城乡建设局"
    assert items[1]["assisting_units"] == ["县财政局", "各街道办事处"]
    milestones = [(t["deadline"], t["subject"]) for t in items[1]["targets"] if t["kind"] == "deadline"]
    assert milestones == [("2023-06-30", "完成方案"), ("2023-09-30", "完成建设")]
    assert items[1]["section"] == "一、扩大有效投资" and items[2]["section"] == "二、保障和改善民生"
    assert items[3]["deadline"] is None

    out = world.json("plan", "import", "分解表.xlsx")
    assert len(out["units"][0]["created"]) == 4
    tasks = world.json("task", "list")
    by_title = {t["title"]: t for t in tasks}
    assert by_title["老旧小区改造"]["unit"] == "县住房和城乡建设局"
    assert by_title["老旧小区改造"]["deadline"] == "2023-09-30"
    assert by_title["推进重点项目建设"]["owner"] == "李明"
    assert by_title["新建公办幼儿园"]["deadline"] == "2023-11-30"

    # 县财政局 assists two tasks and leads none: both listed, marked
    finance = world.json("task", "list", "--unit", "县财政局")
    assert sorted((t["title"], t["role"]) for t in finance) == [("推进重点项目建设", "配合"), ("老旧小区改造", "配合")]
    housing = world.json("task", "list", "--unit", "县住房和城乡建设局")
    assert [(t["title"], t["role"]) for t in housing] == [("老旧小区改造", "牵头"), ("新建公办幼儿园", "配合")]
    text = world.run("task", "list", "--unit", "县住房和城乡建设局").output
    assert "牵头" in text and "配合：县教育体" in text

    # the board counts each task once, for its lead unit
    board = {r["unit"]: r["total"] for r in world.json("board")}
    assert board["县住房和城乡建设局"] == 1 and board["县财政局"] == 0 and board["县发展和改革局"] == 1
    assert sum(board.values()) == 4

    again = world.json("plan", "import", "分解表.xlsx")
    assert again["changed"] is False and again["units"][0]["unchanged"] == 4


def test_reimport_moves_lead_and_assisting_units(world):
    p = county_xlsx(world.path / "分解表.xlsx")
    world.run("plan", "import", str(p))
    rows = list(COUNTY_ROWS)
    rows[2] = (2, "老旧小区改造", "改造老旧小区15个，惠及居民3200户", "县城市管理局", "县财政局", "王强", "10月底前")
    county_xlsx(p, rows)
    out = world.json("plan", "import", str(p))
    assert out["units"][0]["updated"] == ["2.老旧小区改造"]
    t = next(t for t in world.json("task", "list") if t["title"] == "老旧小区改造")
    assert t["unit"] == "县城市管理局" and t["deadline"] == "2023-10-31"
    assert [x["title"] for x in world.json("task", "list", "--unit", "县住房和城乡建设局")] == ["新建公办幼儿园"]
    assert [(x["title"], x["role"]) for x in world.json("task", "list", "--unit", "县城市管理局")] == [
        ("老旧小区改造", "牵头")]
    assert "老旧小区改造" in [x["title"] for x in world.json("task", "list", "--unit", "县财政局")]
    assert "老旧小区改造" not in [x["title"] for x in world.json("task", "list", "--unit", "各街道办事处")]


def test_docx_task_list_with_its_own_spellings(world):
    school_docx(world.path / "清单.docx")
    doc = world.json("plan", "parse", "清单.docx")
    unit = doc["units"][0]
    assert unit["name"] == "实验中学"
    assert unit["period"] == {"start": "2023-07-01", "end": "2023-12-31"}
    items = unit["items"]
    assert [(i["title"], i["lead_unit"], i["assisting_units"]) for i in items] == [
        ("教师培训", "教务处", ["教科室"]),
        ("校园安全", "总务处", ["保卫科", "各年级组"]),
        ("课后服务", "德育处", []),
    ]
    assert [t["value"] for t in items[0]["targets"]] == [120]
    assert [t["deadline"] for t in items[1]["targets"] if t["kind"] == "deadline"] == ["2023-10-31", "2023-12-31"]
    assert items[2]["deadline"] == "2023-12-31"
    world.run("plan", "import", "清单.docx")
    assert {t["unit"] for t in world.json("task", "list")} == {"教务处", "总务处", "德育处"}


def test_csv_task_list_in_gbk(world):
    text = ("序号,工作内容,责任单位,完成时间\n"
            "1,完成农村公路新改建30公里,县交通运输局（牵头）、县财政局,10月底前\n"
            "2,建成充电桩200个,县发改局,2023年12月\n")
    (world.path / "交通.csv").write_bytes(text.encode("gbk"))
    world.run("plan", "import", "交通.csv", "--unit", "县政府督查室")
    tasks = {t["title"]: t for t in world.json("task", "list")}
    assert tasks["完成农村公路新改建30公里"]["unit"] == "县交通运输局"
    assert tasks["完成农村公路新改建30公里"]["deadline"] == "2023-10-31"
    assert [p["unit"] for p in world.json("plan", "list")] == ["县政府督查室"]


def test_a_table_without_a_task_header_is_refused(world):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "13800000000"])
    wb.save(world.path / "通讯录.xlsx")
    r = world.run("plan", "import", "通讯录.xlsx", ok=False)
    assert r.exit_code == 2 and "未识别到任务清单的表头" in r.output and "Traceback" not in r.output
    assert world.json("plan", "list") == []


def test_bundled_example_task_list(world):
    from tests.conftest import REPO

    p = REPO / "examples" / "plans" / "清河县2025年重点工作任务分解表.xlsx"
    doc = world.json("plan", "parse", str(p))
    items = doc["units"][0]["items"]
    assert len(items) == 9 and doc["units"][0]["name"] == "清河县"
    health = next(i for i in items if i["title"] == "提升基层医疗服务能力")
    assert len(health["children"]) == 2


def test_bad_table_files_get_clear_messages(world):
    (world.path / "假的.xlsx").write_text("序号,任务\n", encoding="utf-8")
    (world.path / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    big = world.path / "大表.xlsx"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    for name, message in (("假的.xlsx", "不是有效的 Excel（.xlsx）文件"), ("旧版.xls", "另存为 .xlsx"),
                          ("大表.xlsx", "文件过大（50.0 MB）")):
        r = world.run("plan", "import", name, ok=False)
        assert r.exit_code == 2 and message in r.output.replace("\n", ""), (name, r.output)
        assert "Traceback" not in r.output
    assert world.json("plan", "list") == []


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=12), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.none()))
def test_form_cell_readers_fail_only_with_a_message(value):
    from tracker.sheets.forms import parse_period, read_date, read_number

    per = parse_period("2023-10", date(2023, 10, 9))
    for reader in (read_number, lambda v: read_date(v, per)):
        try:
            reader(value)
        except ValueError as exc:
            assert str(exc)  # a Chinese message for the cell report


def test_a_prose_word_plan_with_a_task_table_stays_prose(world):
    """The bundled 水利局 plan has headings and a table under 下半年工作计划: the prose reader reads
    it (items under their headings), not the task-list reader."""
    from tests.conftest import REPO

    doc = world.json("plan", "parse", str(REPO / "examples" / "plans" / "某县水利局2024年下半年工作计划.docx"))
    unit = doc["units"][0]
    assert unit["plan_heading"] == "二、下半年工作计划"
    assert unit["items"][0]["title"] == "水利工程建设" and "lead_unit" not in unit["items"][0]
