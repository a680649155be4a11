"""Realistic task lists and helpers shared by the spreadsheet tests (written here, not copied)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

COUNTY_TITLE = "清河县2023年政府工作报告重点任务分解表"
COUNTY_ROWS: list[tuple[Any, ...]] = [
    ("一、扩大有效投资",),
    (1, "推进重点项目建设", "全年实施县级重点项目120个，完成投资85亿元以上", "县发展和改革局",
     "县财政局、县自然资源局", "李明", "12月底前"),
    (2, "老旧小区改造", "改造老旧小区15个，惠及居民3200户", "县住房和城乡建设局", "县财政局\n各街道办事处",
     "王强", "6月底前完成方案，9月底前完成建设"),
    ("二、保障和改善民生",),
    (3, "新建公办幼儿园", "新建公办幼儿园3所，新增学位900个", "县教育体育局", "县住房和城乡建设局", "孙红",
     "2023年11月30日"),
    (4, "就业促进", "城镇新增就业2600人", "县人力资源和社会保障局", "", "孙红", "长期坚持"),
]


def county_xlsx(path: Path, rows: list[tuple[Any, ...]] | None = None) -> Path:
    """A county 重点任务分解表: title row, 责任单位 merged over 牵头单位 | 配合单位, category rows."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分解表"
    ws.append([COUNTY_TITLE])
    ws.merge_cells("A1:G1")
    ws.append(["序 号", "重点任务", "具体内容", "责任单位", None, "责任领导", "完成时限"])
    ws.append([None, None, None, "牵头单位", "配合单位", None, None])
    for col in "ABCFG":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    for row in rows if rows is not None else COUNTY_ROWS:
        ws.append(list(row))
        if len(row) == 1:
            ws.merge_cells(f"A{ws.max_row}:G{ws.max_row}")
    wb.save(path)
    return path


def school_docx(path: Path) -> Path:
    """A school's 立项 list in Word: a title paragraph, then a table with its own spellings."""
    import docx

    d = docx.Document()
    d.add_paragraph("实验中学2023年下半年重点工作任务清单")
    t = d.add_table(rows=1, cols=5)
    for cell, text in zip(t.rows[0].cells, ["编号", "工作事项", "目标任务", "责任部门（牵头/配合）", "时间节点"],
                          strict=True):
        cell.text = text
    rows = [
        ["1", "教师培训", "组织骨干教师培训不少于120人次", "教务处（牵头）、教科室", "11月底前"],
        ["2", "校园安全", "开展消防演练4次，隐患整改率达到100%", "牵头：总务处；配合：保卫科、各年级组", "10月底前完成排查，12月底前完成整改"],
        ["3", "课后服务", "课后服务覆盖率达到95%", "德育处", "2023年12月"],
    ]
    for r in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, r, strict=True):
            cell.text = text
    extra = t.add_row().cells  # a note row merged across the table
    merged = extra[0].merge(extra[4])
    merged.text = "注：各部门每月25日前报送进展。"
    d.save(str(path))
    return path


def fill_form(path: Path, edit: Any) -> None:
    """Open a form as a person would in Excel, let ``edit(ws, header, rows)`` change cells, save."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    header = {c.value: c.column for c in ws[3] if c.value}
    rows = [r for r in range(4, ws.max_row + 1) if ws.cell(r, header["任务编号"]).value is not None]
    edit(ws, header, rows)
    wb.save(path)
