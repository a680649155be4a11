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
    body = next(p for p in d.paragraphs if p.text.startswith("截至10月8日"))
    run = body.runs[0]
    assert run._element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert run.font.name == "仿宋_GB2312" and run.font.size == Pt(16)
    normal = d.styles["Normal"].element.rPr.rFonts
    assert normal.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert "纳入督办的计划任务7项" in body.text and "总体完成度56.5%" in body.text
    # problems and next steps laid out per item
    i = texts.index("1.社康做全（绿，完成50%）")
    assert texts[i + 1:i + 4] == ["进展情况：已建成7家。", "存在的问题：选址难，审批慢。", "下一步措施：年底前再建7家"]
    # tables: header row repeated on every page, figures present
    unit_table = next(t for t in d.tables if t.rows[0].cells[0].text == "单位" and len(t.columns) == 14)
    assert unit_table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    rows = [[c.text for c in r.cells] for r in unit_table.rows]
    assert rows[1][:2] == [HEALTH, "3"] and rows[1][10] == "77.3%" and rows[-1][0] == "合计"
    cell_run = unit_table.rows[1].cells[0].paragraphs[0].runs[0]
    assert cell_run._element.rPr.rFonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    # page number field in the footer, fallback fonts declared
    footer_xml = sec.footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    fonts = d.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable").blob.decode()
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:altName w:val="宋体"' in fonts


def test_yearend_docx(rw) -> None:  # type: ignore[no-untyped-def]
    import docx

    path = rw.path / "y.docx"
    rw.run("report", "yearend", "--year", "2023", "--format", "docx", "-o", str(path))
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "计划一级事项 7 项，含子事项 1 项；已完成2项" in text and "完成率28.6%" in text
    ranking = next(t for t in d.tables if t.rows[0].cells[0].text == "排名")
    assert [r.cells[1].text for r in ranking.rows[1:]] == [EDU, HEALTH, WATER]
    cells = {c.text for t in d.tables for r in t.rows for c in r.cells}
    assert {"超额完成", "基本完成", "无进展", "120.0%"} <= cells


# -- Excel -----------------------------------------------------------------------------------
def test_weekly_xlsx(rw) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    path = rw.path / "w.xlsx"
    rw.run("report", "weekly", "--week", "2023-W40", "--format", "xlsx", "-o", str(path))
    wb = openpyxl.load_workbook(str(path))
    assert wb.sheetnames[0] == "汇总"
    assert {HEALTH, WATER, EDU} <= set(wb.sheetnames)
    ws = wb["汇总"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:2] == ["单位", "任务数"]
    col = {name: i for i, name in enumerate(header)}
    health = [c for c in ws[2]]
    assert health[0].value == HEALTH and health[1].value == 3 and isinstance(health[1].value, int)
    comp = health[col["完成度"]]
    assert comp.value == pytest.approx(0.7727, abs=1e-3) and comp.number_format == "0.0%"
    assert ws.column_dimensions["A"].width >= 20
    unit = wb[HEALTH]
    assert unit.freeze_panes == "A2"
    uh = [c.value for c in unit[1]]
    status_col = uh.index("状态")
    fills = {unit.cell(row=r, column=status_col + 1).value: unit.cell(row=r, column=status_col + 1).fill.fgColor.rgb
             for r in range(2, unit.max_row + 1)}
    assert fills["绿"].endswith("C8E6C9") and fills["红"].endswith("FFCDD2") and fills["完成"].endswith("BBDEFB")
    titles = [unit.cell(row=r, column=2).value for r in range(2, unit.max_row + 1)]
    assert "社康做全" in titles and "招聘医生" in titles
    water = wb[WATER]
    wh = [c.value for c in water[1]]
    yellow = [water.cell(row=r, column=wh.index("状态") + 1) for r in range(2, water.max_row + 1)]
    assert any(c.value == "黄" and c.fill.fgColor.rgb.endswith("FFF59D") for c in yellow)


def test_yearend_xlsx(rw) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    rw.run("report", "yearend", "--format", "xlsx")
    path = rw.path / "reports" / "年度总结-2023.xlsx"
    wb = openpyxl.load_workbook(str(path))
    assert wb.sheetnames[0] == "汇总" and "未完成事项" in wb.sheetnames
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    rate = header.index("完成率")
    assert [(r[1], r[0], r[rate]) for r in rows] == [(EDU, 1, 0.5), (HEALTH, 2, pytest.approx(1 / 3)), (WATER, 3, 0.0)]
    assert ws.cell(row=2, column=rate + 1).number_format == "0.0%"
    edu = wb[EDU]
    eh = [c.value for c in edu[1]]
    teacher = next(r for r in edu.iter_rows(min_row=2, values_only=True) if r[1] == "培训教师")
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
