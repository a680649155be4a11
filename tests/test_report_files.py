"""Report files opened again: Word (python-docx), Excel (openpyxl), HTML in headless Chromium."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.test_report import EDU, HEALTH, WATER, build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def rw(world):  # type: ignore[no-untyped-def]
    build(world)
    return world


# -- Word ------------------------------------------------------------------------------------
def test_weekly_docx(rw) -> None:  # type: ignore[no-untyped-def]
    import docx
    from docx.shared import Cm, Pt

    path = rw.path / "w.docx"
    rw.run("report", "weekly", "--week", "2023-W40", "--format", "docx", "-o", str(path))
    d = docx.Document(str(path))
    sec = d.sections[0]
    assert abs(sec.page_width - Cm(21)) < Cm(0.05) and abs(sec.page_height - Cm(29.7)) < Cm(0.05)
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "督办工作周报（2023年第40周）"
    title_run = d.paragraphs[0].runs[0]
    assert title_run.font.size == Pt(22)
    assert title_run._element.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"
    assert "一、总体情况" in texts and "（一）区卫生健康局" in texts and "十一、各单位任务进展" in texts
    body = next(p for p in d.paragraphs if p.text.startswith("截至10月6日"))
    run = body.runs[0]
    assert run._element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert run.font.name == "仿宋_GB2312" and run.font.size == Pt(16)
    normal = d.styles["Normal"].element.rPr.rFonts
    assert normal.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert "纳入督办的计划一级事项 7 项，含子事项 1 项" in body.text and "总体完成度56.5%" in body.text
    # problems and next steps laid out per item, one numbering, no "—" filler for parts not given
    i = texts.index("1.社康做全（绿，完成50%）")
    assert texts[i + 1:i + 4] == ["进展情况：已建成7家。", "存在的问题：选址难，审批慢。", "下一步措施：年底前再建7家"]
    j = texts.index("3.招聘医生（红，完成82%）")
    assert texts[j + 1:j + 3] == ["进展情况：已招聘210名", "4.出台行动方案（完成，完成100%）"]
    assert not any(t.endswith("：—") for t in texts)
    # the subtitle says the period in 公文 form, with no note about the tool; the foot carries the date
    assert texts[1] == "统计周期：2023年9月30日至10月6日（每周五截止）"
    assert texts[-1] == "2023年10月6日"
    # headings and table captions stay with what follows
    for p in d.paragraphs:
        if p.text in ("一、总体情况", "（一）区卫生健康局", "各单位任务进展统计"):
            assert p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next, p.text
    # tables: header row repeated on every page, figures present
    unit_table = next(t for t in d.tables if t.rows[0].cells[0].text == "单位" and len(t.columns) == 14)
    assert unit_table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    rows = [[c.text for c in r.cells] for r in unit_table.rows]
    assert rows[1][:2] == [HEALTH, "3"] and rows[1][10] == "77.3%" and rows[-1][0] == "合计"
    _no_broken_cells(d)
    # A cell's text takes its font (also for Chinese) and size from the table's paragraph style,
    # which also turns off the extra space between Chinese and digits.
    cell_para = unit_table.rows[1].cells[0].paragraphs[0]
    assert cell_para.runs[0]._element.rPr is None
    cell_style = cell_para.style.element
    assert cell_style.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert cell_para.style.font.size == (Pt(9) if len(unit_table.columns) > 8 else Pt(10.5))
    assert [e.get(f"{W}val") for e in cell_style.pPr if e.tag in (f"{W}autoSpaceDE", f"{W}autoSpaceDN")] == ["0", "0"]
    # page number field in the footer, fallback fonts declared
    footer_xml = sec.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    fonts = d.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable").blob.decode()
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:altName w:val="宋体"' in fonts


def _no_broken_cells(d) -> None:  # type: ignore[no-untyped-def]
    """Every number, percentage, date and light fits its column on one line (widths read back)."""
    import re
    from unicodedata import east_asian_width

    from tracker.reports.docx import CELL_MARGIN

    fixed = re.compile(r"^([+\-↑↓]?[\d.]+%?|\d{4}年\d{1,2}月\d{1,2}日|[绿黄红]|完成|未完成|基本完成|超额完成|无进展|—)$")
    checked = 0
    for t in d.tables:
        widths = [int(g.get(f"{W}w")) for g in t._tbl.tblGrid.findall(f"{W}gridCol")]
        small = len(widths) > 8
        em = 180 if small else 210  # twips at 9 pt / 10.5 pt
        margin = CELL_MARGIN // 2 if small else CELL_MARGIN
        for row in t.rows[1:]:
            for w, cell in zip(widths, row.cells, strict=True):
                if fixed.match(cell.text):
                    # at least: Chinese 1 em, digits 0.55 em, "%" 0.9 em
                    ems = sum(1.0 if east_asian_width(ch) in "WF" else 0.9 if ch == "%" else 0.55
                              for ch in cell.text)
                    assert ems * em + 2 * margin <= w, (cell.text, w)
                    checked += 1
    assert checked > 20


def test_yearend_docx(rw) -> None:  # type: ignore[no-untyped-def]
    import docx

    path = rw.path / "y.docx"
    rw.run("report", "yearend", "--year", "2023", "--format", "docx", "-o", str(path))
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "计划一级事项 7 项，含子事项 1 项；已完成2项" in text and "完成率28.6%" in text
    ranking = next(t for t in d.tables if t.rows[0].cells[0].text == "排名")
    assert [r.cells[1].text for r in ranking.rows[1:]] == [HEALTH, EDU, WATER]
    cells = {c.text for t in d.tables for r in t.rows for c in r.cells}
    assert {"超额完成", "基本完成", "无进展", "120.0%"} <= cells
    _no_broken_cells(d)
    # a column with nothing in it is left out (here: 计划内容, hand-made tasks have no plan text)
    edu = next(t for t in d.tables if t.rows[0].cells[1].text == "计划事项" and t.rows[1].cells[1].text == "推进智慧校园建设")
    assert "计划内容（原文）" not in [c.text for c in edu.rows[0].cells]


# -- Excel -----------------------------------------------------------------------------------
def test_weekly_xlsx(rw) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    path = rw.path / "w.xlsx"
    rw.run("report", "weekly", "--week", "2023-W40", "--format", "xlsx", "-o", str(path))
    wb = openpyxl.load_workbook(str(path))
    assert wb.sheetnames[0] == "汇总"
    assert {HEALTH, WATER, EDU} <= set(wb.sheetnames)
    ws = wb["汇总"]
    assert ws.freeze_panes == "A3"
    assert ws["A1"].value == "督办工作周报（2023年第40周）　各单位任务进展统计"
    header = [c.value for c in ws[2]]
    assert header[:2] == ["单位", "任务数"]
    col = {name: i for i, name in enumerate(header)}
    health = [c for c in ws[3]]
    assert health[0].value == HEALTH and health[1].value == 3 and isinstance(health[1].value, int)
    comp = health[col["完成度"]]
    # stored rounded as every other format shows it (77.3 %), formatted as a percentage
    assert comp.value == 0.773 and comp.number_format == "0.0%"
    assert ws.column_dimensions["A"].width >= 20
    unit = wb[HEALTH]
    assert unit.freeze_panes == "A3"
    uh = [c.value for c in unit[2]]
    status_col = uh.index("状态")
    fills = {unit.cell(row=r, column=status_col + 1).value: unit.cell(row=r, column=status_col + 1).fill.fgColor.rgb
             for r in range(3, unit.max_row + 1)}
    assert fills["绿"].endswith("C8E6C9") and fills["红"].endswith("FFCDD2") and fills["完成"].endswith("BBDEFB")
    titles = [unit.cell(row=r, column=2).value for r in range(3, unit.max_row + 1)]
    assert "社康做全" in titles and "招聘医生" in titles
    water = wb[WATER]
    wh = [c.value for c in water[2]]
    yellow = [water.cell(row=r, column=wh.index("状态") + 1) for r in range(3, water.max_row + 1)]
    assert any(c.value == "黄" and c.fill.fgColor.rgb.endswith("FFF59D") for c in yellow)


def test_xlsx_prints_and_keeps_its_sheets(rw) -> None:  # type: ignore[no-untyped-def]
    """Print settings, borders, named fonts and row heights read back; the same sheets every week."""
    import openpyxl

    names = []
    for week in ("2023-W39", "2023-W40"):
        path = rw.path / f"{week}.xlsx"
        rw.run("report", "weekly", "--week", week, "--format", "xlsx", "-o", str(path))
        wb = openpyxl.load_workbook(str(path))
        names.append(wb.sheetnames)
        for ws in wb.worksheets:
            ps = ws.page_setup
            assert (ps.orientation, int(ps.paperSize), int(ps.fitToWidth), int(ps.fitToHeight)) == (
                "landscape", 9, 1, 0), ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
            if ws.title not in ("图表", "说明"):
                assert ws.print_title_rows == "$1:$2", ws.title
                head = ws.cell(row=2, column=1)
                assert head.font.name == "宋体" and head.font.b and head.border.left.style == "thin"
    assert names[0] == names[1]  # W39 has no new overdue item, W40 has: both have the sheet
    assert {"红灯事项", "逾期事项", "新增逾期", "催办事项", "图表"} <= set(names[0])
    wb = openpyxl.load_workbook(str(rw.path / "2023-W40.xlsx"))
    ws = wb["新增逾期"] if wb["新增逾期"].max_row > 2 else wb["逾期事项"]
    assert ws.cell(row=3, column=1).font.name == "宋体"
    empty = openpyxl.load_workbook(str(rw.path / "2023-W39.xlsx"))["新增逾期"]
    assert empty.cell(row=3, column=1).value.startswith("本周")  # said, not left blank
    # a wrapped note makes its row taller
    unit = wb[HEALTH]
    note_col = [c.value for c in unit[2]].index("最新说明") + 1
    long_row = next(r for r in range(3, unit.max_row + 1) if len(unit.cell(row=r, column=note_col).value or "") > 20)
    assert unit.cell(row=long_row, column=note_col).alignment.wrap_text
    assert unit.row_dimensions[long_row].height and unit.row_dimensions[long_row].height > 15
    # the charts of the HTML report
    assert len(wb["图表"]._charts) == 3


def test_yearend_xlsx(rw) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    rw.run("report", "yearend", "--format", "xlsx")
    path = rw.path / "reports" / "年度总结-2023.xlsx"
    wb = openpyxl.load_workbook(str(path))
    assert wb.sheetnames[0] == "汇总" and "未完成事项" in wb.sheetnames
    ws = wb["汇总"]
    header = [c.value for c in ws[2]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    rate = header.index("平均完成度")
    assert [(r[1], r[0], r[rate]) for r in rows] == [(HEALTH, 1, 0.773), (EDU, 2, 0.5), (WATER, 3, 0.317)]
    assert ws.cell(row=3, column=rate + 1).number_format == "0.0%"
    edu = wb[EDU]
    eh = [c.value for c in edu[2]]
    teacher = next(r for r in edu.iter_rows(min_row=3, values_only=True) if r[1] == "培训教师")
    assert teacher[eh.index("实际值")] == 120 and teacher[eh.index("完成率")] == pytest.approx(1.2)
    assert teacher[eh.index("结果")] == "超额完成"


# -- HTML in a real browser ----------------------------------------------------------------------
def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("TRACKER_REQUIRE_BROWSER") == "1":
            pytest.fail("找不到 chromium（TRACKER_REQUIRE_BROWSER=1 要求运行浏览器测试）")
        pytest.skip("找不到 chromium：HTML 报告的浏览器检查未运行（scripts/test-services.sh 会安装）")
    return path


def _browser(exe: str, tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", *args, url],
        capture_output=True, text=True, timeout=120,
    )


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and raw RGB(A) rows of an 8-bit non-interlaced PNG (no imaging library needed)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and body[12] == 0
            channels = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], (prev[i - channels] if i >= channels else 0)
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


@pytest.mark.browser
def test_weekly_html_in_chromium(rw, tmp_path) -> None:  # type: ignore[no-untyped-def]
    exe = _chromium()
    path = rw.path / "w.html"
    rw.run("report", "weekly", "--week", "2023-W40", "--format", "html", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert '<meta name="viewport"' in html and "@media" in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert html.count("<svg") == 3  # completion per unit, traffic-light shares, weekly trend

    dom = _browser(exe, tmp_path, path.as_uri(), "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    for name in (HEALTH, WATER, EDU, "各单位完成度", "红黄绿灯占比", "近8周总体完成度"):
        assert name in dom.stdout

    def shot(p: Path) -> list[bytes]:
        out = tmp_path / f"{p.stem}.png"
        r = _browser(exe, tmp_path, p.as_uri(), f"--screenshot={out}", "--window-size=800,1400")
        assert out.exists(), r.stderr[-2000:]
        width, height, rows = read_png(out)
        assert (width, height) == (800, 1400)
        return rows

    rows = shot(path)
    colours = {row[i:i + 3] for row in rows[::4] for i in range(0, len(row), 4 * 3)}
    assert len(colours) > 50, f"page looks blank: {len(colours)} colours"
    # The Chinese names are drawn with real glyphs: changing one character of each name changes
    # the picture (with no CJK font every character would be the same empty box).
    swapped = path.with_name("swapped.html")
    swapped.write_text(html.replace(HEALTH, "区卫生健康所").replace(WATER, "县水务局局"[:4]), encoding="utf-8")
    assert shot(swapped) != rows
    blank = path.with_name("blank.html")
    blank.write_text(html.replace(HEALTH, "　" * len(HEALTH)), encoding="utf-8")
    assert shot(blank) != rows


def test_yearend_html_self_contained(rw) -> None:  # type: ignore[no-untyped-def]
    path = rw.path / "y.html"
    rw.run("report", "yearend", "--format", "html", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in html
    assert "计划一级事项 7 项" in html and html.count("<svg") == 2
    assert "<link" not in html and "<script" not in html and "src=" not in html


# Headless Chromium keeps its window at least 500 px wide; the page is laid out in a 390 px wide
# column inside it (the phone styles apply below 640 px) and measured against that width.
PROBE = """<style>html { width: 390px; overflow-x: hidden; }</style><script>
window.addEventListener('load', () => {
  const width = 390;
  const out = [];
  for (const td of document.querySelectorAll('td')) {
    const r = td.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // an empty cell, hidden on the card
    if (r.left < -1 || r.right > width + 1) out.push('OFF:' + td.dataset.label + ':' + td.textContent);
  }
  for (const h of document.querySelectorAll('h2, h3, .cap')) {
    if (h.getBoundingClientRect().width < 300) out.push('NARROW:' + h.textContent);
  }
  const labels = [...document.querySelectorAll('td[data-label]')].filter(td => td.offsetHeight > 0)
    .map(td => td.dataset.label);
  document.body.setAttribute('data-probe', JSON.stringify({width, scroll: document.body.scrollWidth,
    out, labels: [...new Set(labels)]}));
});
</script>"""


@pytest.mark.browser
@pytest.mark.parametrize("args", [["yearend", "--year", "2023"], ["weekly", "--week", "2023-W40"]])
def test_html_on_a_phone(rw, tmp_path, args) -> None:  # type: ignore[no-untyped-def]
    """At 390 px every cell is on screen (tables become cards), the outcome columns included."""
    import html as html_lib
    import json
    import re

    exe = _chromium()
    path = rw.path / "r.html"
    rw.run("report", *args, "--format", "html", "-o", str(path))
    probe = path.with_name("probe.html")
    probe.write_text(path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _browser(exe, tmp_path, probe.as_uri(), "--window-size=390,2000", "--virtual-time-budget=5000",
                   "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = re.search(r'data-probe="([^"]*)"', dom.stdout)
    assert m, dom.stdout[-2000:]
    got = json.loads(html_lib.unescape(m.group(1)))
    assert got["scroll"] <= 390  # nothing wider than the phone
    assert got["out"] == []
    wanted = {"结果", "完成率", "平均完成度", "排名"} if args[0] == "yearend" else {"完成度", "排名", "最新说明"}
    assert wanted <= set(got["labels"])
    shot = tmp_path / "phone.png"
    _browser(exe, tmp_path, path.as_uri(), f"--screenshot={shot}", "--window-size=390,2000")
    assert read_png(shot)[:2] == (390, 2000)


def test_html_charts_have_reference_line_and_legend(rw) -> None:  # type: ignore[no-untyped-def]
    path = rw.path / "w.html"
    rw.run("report", "weekly", "--week", "2023-W40", "--format", "html", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert "stroke-dasharray=\"4 3\"" in html and "序时进度" in html  # the reference line, labelled
    assert "≥80%" in html and "&lt;50%" in html  # the legend of the bar colours
    assert f">{HEALTH}</text>" in html  # full unit names, never cut short


def test_docx_issuing_line_from_config(rw, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import docx

    cfg = tmp_path / "office.toml"
    cfg.write_text(f'[database]\nurl = "{rw.db_url}"\n[report]\nissuer = "县委督查室"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(cfg))
    path = rw.path / "y.docx"
    rw.run("report", "yearend", "--year", "2023", "--format", "docx", "-o", str(path))
    d = docx.Document(str(path))
    foot = d.paragraphs[-2:]
    assert [p.text for p in foot] == ["县委督查室", "2023年10月9日"]
    assert all(p.paragraph_format.alignment is not None and p.paragraph_format.alignment == 2 for p in foot)  # right
    md = rw.path / "y.md"
    rw.run("report", "yearend", "--year", "2023", "--format", "md", "-o", str(md))
    assert md.read_text(encoding="utf-8").rstrip().endswith("县委督查室  \n2023年10月9日")


def _big_doc():  # type: ignore[no-untyped-def]
    """A report body big enough to be written by two processes (``parallel.MIN_CELLS``)."""
    from datetime import date

    from tracker.reports.layout import Col, Doc, Heading, Para, Table

    doc = Doc("某县2023年重点任务年度总结", "（截至2023年12月31日）", issuer="县政府督查室", issued=date(2023, 12, 31))
    for u in range(6):
        doc.add(Heading(f"{'一二三四五六'[u]}、第{u + 1}单位"), Para(f"共{600}项，进展见下表。", lead="总体情况："))
        cols = [Col("序号", "int"), Col("任务"), Col("状态", "status"), Col("完成度", "pct"), Col("截止", "date")]
        rows = [[i + 1, f"　推进第{i + 1}项工作 & <审核>" if i % 7 else f"推进第{i + 1}项工作", "绿红黄完成"[i % 4],
                 i % 101, date(2023, 12, 1 + i % 28)] for i in range(800)]
        doc.add(Table(f"第{u + 1}单位任务", cols, rows + [[None, "合计", "", 50.0, None]], total_row=True,
                      sheet=f"第{u + 1}单位"))
    return doc


def _written_both_ways(write, doc, tmp_path, monkeypatch, ext: str, changing: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """``doc`` written by ``write`` with a forked child, then in one process: the same parts (but
    ``changing``, the time it was written); the one-process package's parts by name."""
    import zipfile

    from tracker import parallel

    assert parallel.possible()
    write(doc, tmp_path / f"two.{ext}")
    monkeypatch.setenv(parallel.SERIAL_ENV, "1")
    write(doc, tmp_path / f"one.{ext}")
    with zipfile.ZipFile(tmp_path / f"two.{ext}") as two, zipfile.ZipFile(tmp_path / f"one.{ext}") as one:
        assert two.namelist() == one.namelist()
        for name in one.namelist():
            if name not in changing:
                assert two.read(name) == one.read(name), name
        return {name: one.read(name) for name in one.namelist()}


def test_docx_body_from_two_processes_is_the_one_from_one(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A big Word body is written half by a forked child (``tracker.parallel``): the package is
    the same, part for part, as the one written in one process."""
    from tracker import parallel
    from tracker.reports import docx

    doc = _big_doc()
    assert parallel.halfway(docx._weights(doc)) is not None  # big enough for two processes
    parts = _written_both_ways(docx.write, doc, tmp_path, monkeypatch, "docx")
    body = parts["word/document.xml"].decode("utf-8")
    assert body.count("<w:tbl>") == 6 and body.count("推进第800项工作") == 6 and "&amp; &lt;审核&gt;" in body
    assert body.index("某县2023年重点任务年度总结") < body.index("第6单位任务") < body.index("县政府督查室")


def test_xlsx_rows_from_two_processes_are_the_ones_from_one(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The second half of a big workbook's sheets is made by a forked child, started once the
    parent has made the rows of the first sheet shaped like the child's: the child writes those
    styles' ids itself and tokens for the styles it cannot know (a last sheet of other columns).
    The workbook is the same, part for part (the styles made in the same order), as the one made
    in one process."""
    from tracker import parallel
    from tracker.reports import xlsx
    from tracker.reports.layout import Col, Table

    doc = _big_doc()
    results = ("超额完成", "完成", "未完成", "无进展", "基本完成")
    doc.add(Table("未完成事项", [Col("事项"), Col("结果", "result"), Col("完成率", "pct")],
                  [[f"第{i}项", results[i % 5], i % 90] for i in range(3000)], sheet="未完成事项"))
    tables = [t for _, t in xlsx._tables_by_sheet(doc)]
    weights = [len(t.rows) * len(t.cols) for t in tables]
    split = parallel.halfway(weights, share=xlsx.CHILD_SHARE)
    assert split == 5 and xlsx._twin(tables, split) == 0
    tokens: list[int] = []
    untokened = xlsx._untokened

    def counted(xml, keys, style_id):  # type: ignore[no-untyped-def]
        tokens.append(len(keys))
        return untokened(xml, keys, style_id)

    monkeypatch.setattr(xlsx, "_untokened", counted)
    parts = _written_both_ways(xlsx.write, doc, tmp_path, monkeypatch, "xlsx", changing=("docProps/core.xml",))
    assert len(tokens) == 1 and tokens[0] > 0  # sheet 6 came compressed; the last one's result fills were new
    sixth, last = (parts[f"xl/worksheets/sheet{n}.xml"].decode("utf-8") for n in (6, 7))
    assert "\x01" not in sixth + last and sixth.count("<row ") == 803 and last.count("<row ") == 3002
    assert "推进第800项工作 &amp; &lt;审核&gt;" in sixth and "第2999项" in last


def test_twin_is_the_first_table_shaped_like_the_childs_first() -> None:
    """The table whose rows are made first (its styles then known to the child): the first one
    before the child's part with rows and the columns of the child's first table."""
    from tracker.reports import xlsx
    from tracker.reports.layout import Col, Table

    def table(kinds: str, rows: int) -> Table:
        return Table("t", [Col(k, k) for k in kinds.split()], [[None] * len(kinds.split())] * rows)

    small, unit, other, empty = (table("text pct", 3), table("text status pct", 100), table("text int", 100),
                                 table("text status pct", 0))
    assert xlsx._twin([small, unit, unit, unit], 2) == 1
    assert xlsx._twin([small, other, empty, other, unit, unit], 4) is None  # none before the child's part
    assert xlsx._twin([small, empty, other, unit, other, unit], 5) == 3  # an empty table is no twin
    assert xlsx._twin([small, unit, unit], None) is None


def test_terminal_tables_from_two_processes_are_the_ones_from_one(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The second half of a report's big terminal tables is made by a forked child: the text
    written is the same as in one process, table for table, in order."""
    from tracker import parallel
    from tracker.cli import render

    doc = _big_doc()
    assert all(len(t.rows) > render.RICH_ROWS_MAX for t in doc.blocks if hasattr(t, "rows"))
    assert parallel.possible()
    render.report_terminal(doc, tmp_path / "two.txt")
    monkeypatch.setenv(parallel.SERIAL_ENV, "1")
    render.report_terminal(doc, tmp_path / "one.txt")
    one = (tmp_path / "one.txt").read_text(encoding="utf-8")
    assert (tmp_path / "two.txt").read_text(encoding="utf-8") == one
    assert [one.index(f"第{u}单位任务") for u in range(1, 7)] == sorted(one.index(f"第{u}单位任务") for u in range(1, 7))
    assert one.count("推进第800项工作") == 6
