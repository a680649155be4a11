"""A report as a Word document in the manner of Chinese official documents (GB/T 9704).

A4 with the standard margins; title in 方正小标宋简体 二号 (22 pt); body in 仿宋_GB2312 三号
(16 pt) at a fixed 28 pt line pitch with a two-character first-line indent; headings 一、 in
黑体, （一） in 楷体_GB2312, 1. in 仿宋_GB2312 bold; tables with a header row repeated on every
page; page numbers "— 1 —" at the foot. Word applies a font to Chinese text only through the
East Asian font attribute (w:eastAsia), so every font is set there as well as for Latin text;
the font table names 宋体 as the fallback where the GB2312 fonts are not installed. Table cells
take their font, size and spacing from the two table paragraph styles, not from each run: a
year-end report has half a million cells.

The body is written as WordprocessingML text, a table a column of cells at a time, and streamed
into the package python-docx saved, in place of a marker paragraph (python-docx's object API
takes milliseconds a cell, too slow for reports with thousands of rows).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tracker.reports import package
from tracker.reports.layout import (
    RIGHT,
    Chart,
    Doc,
    Heading,
    Para,
    Table,
    cn_date,
    fmt_cell,
    fmt_column,
)
from tracker.width import text_width

W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W_URI}"'

TITLE_FONT, BODY_FONT, HEI, KAI, SONG = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
# Fonts declared in the font table, with the font Word should use when one is missing.
FONT_FALLBACKS = {BODY_FONT: SONG, TITLE_FONT: SONG, KAI: "楷体", HEI: "SimHei", SONG: "SimSun"}

CM = 567  # twips per centimetre
PAGE_W, PAGE_H = 21.0, 29.7
MARGINS = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH = round((PAGE_W - MARGINS["left"] - MARGINS["right"]) * CM)
STATUS_FILL = {"绿": "C8E6C9", "黄": "FFF59D", "红": "FFCDD2", "完成": "BBDEFB"}
RESULT_FILL = {"超额完成": "BBDEFB", "完成": "BBDEFB", "逾期完成": "D1C4E9", "基本完成": "C8E6C9", "未完成": "FFCDD2",
               "无进展": "E0E0E0"}
CELL_MARGIN = 57  # twips left and right inside each cell
# Kinds whose values must never break across lines (numbers, percentages, dates, lights).
UNBROKEN = RIGHT | {"date", "status", "result"}
HEADER_FILL = "D9D9D9"
_BAD_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\x00-\x1f\ufffe\uffff]")  # what _text changes


def _text(s: Any) -> str:
    return escape(_BAD_XML.sub("", str(s)).replace("\r", "").replace("\n", " "))


def _rpr(font: str, size: float, bold: bool = False) -> str:
    half = int(round(size * 2))
    return (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
            + ("<w:b/><w:bCs/>" if bold else "") + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')


def _run(text: str, font: str, size: float, bold: bool = False) -> str:
    return f'<w:r>{_rpr(font, size, bold)}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>'


def _para(runs: str, style: str | None = None, jc: str | None = None, indent: bool = True,
          spacing: str = "", keep_next: bool = False, right_chars: int = 0) -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr += "<w:keepNext/>" if keep_next else ""
    ppr += spacing
    if right_chars:
        ppr += f'<w:ind w:rightChars="{right_chars * 100}" w:right="{right_chars * 320}" w:firstLine="0"/>'
        indent = False
        ppr += f'<w:jc w:val="{jc or "right"}"/>'
        return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"
    ppr += '<w:ind w:firstLineChars="200" w:firstLine="640"/>' if indent else '<w:ind w:firstLine="0"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


_width = text_width


@functools.lru_cache(maxsize=65536)
def _ems(s: str) -> float:
    """Width of a figure, date or light in ems as the CJK fonts Word and LibreOffice fall back to
    draw it (bold included): Chinese 1, digits and signs 0.6, "%" 0.95, a quarter em where
    Chinese meets a digit (LibreOffice's autospace)."""
    from unicodedata import east_asian_width

    wide = [east_asian_width(ch) in "WF" for ch in s]
    width = sum(1.0 if w else 0.95 if ch == "%" else 0.6 for ch, w in zip(s, wide, strict=True))
    return width + 0.25 * sum(1 for a, b in zip(wide, wide[1:], strict=False) if a != b)


def _cell_text(kind: str, value: Any) -> str:
    if kind == "date" and value:
        try:
            return cn_date(value)  # 公文 form: 2023年10月16日
        except ValueError:
            return fmt_cell(kind, value)  # "从未填报" in a date column
    return fmt_cell(kind, value)


def column_widths(names: list[str], kinds: list[str], texts: list[list[str]], size: float,
                  total: int = TEXT_WIDTH, margin: int = CELL_MARGIN) -> list[int]:
    """Column widths (twips) from the content: a number, percentage, date or light never breaks
    (its column is as wide as its widest value; a header may wrap onto two lines); text columns
    share what is left in proportion to their content."""
    em = size * 20  # twips: a full-width character is 1 em, a half-width "unit" half of it
    sample = texts[:300]

    def need(units: float) -> int:
        return int(units * em / 2 + 2 * margin + 24)

    def need_em(ems: float) -> int:  # with 0.4 em to spare: bold (合计) figures are wider
        return int((ems + 0.4) * em + 2 * margin + 20)

    fixed: dict[int, int] = {}
    want: dict[int, float] = {}
    for j, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        head = _width(name)
        if kind in UNBROKEN:
            longest = max([_ems(r[j]) for r in sample] + [0.0])
            fixed[j] = need_em(max(longest, (head + 3) // 4, 2.0))  # the header on at most two lines
        else:
            longest = max([_width(r[j]) for r in sample] + [0])
            want[j] = max(4, min(56, max(longest, min(head, 8))))
    rest = total - sum(fixed.values())
    if want:
        # Texts wrap: they give way first (down to two characters a line), figures last.
        least = need(4)
        if rest < least * len(want):
            scale = max(0.5, (total - least * len(want)) / max(1, sum(fixed.values())))
            fixed = {j: int(w * scale) for j, w in fixed.items()}
            rest = total - sum(fixed.values())
        asked = {j: need(w) for j, w in want.items()}
        if sum(asked.values()) <= rest:  # room for every text on one line: the rest in proportion
            spare = rest - sum(asked.values())
            units = sum(want.values())
            texts_w = {j: asked[j] + int(spare * want[j] / units) for j in want}
        else:  # each at least four characters a line (two when tight), the rest as they ask
            base = {j: min(asked[j], need(8)) for j in want}
            if sum(base.values()) > rest:
                base = {j: least for j in want}
            spare = rest - sum(base.values())
            extra = {j: asked[j] - base[j] for j in want}
            total_extra = sum(extra.values()) or 1
            texts_w = {j: base[j] + int(spare * extra[j] / total_extra) for j in want}
    else:
        texts_w = {}
        scale = min(1.0, total / max(1, sum(fixed.values())))
        fixed = {j: int(w * scale) for j, w in fixed.items()}
    return [fixed[j] if j in fixed else texts_w[j] for j in range(len(names))]


def _column_texts(kind: str, values: tuple[Any, ...]) -> list[str]:
    """``_cell_text`` over a column: dates in 公文 form, the rest as every format shows them."""
    if kind == "date":
        return [_cell_text(kind, v) for v in values]
    return fmt_column(kind, values)


_CELL_END = "</w:t></w:r></w:p></w:tc>"
_EMPTY_END = "</w:p></w:tc>"


def _table(t: Table, styles: dict[str, str]) -> list[str]:
    """A table as WordprocessingML: its opening (properties, grid), one string a row, its end."""
    raw = list(zip(*t.rows, strict=True)) if t.rows else [() for _ in t.cols]
    all_columns = [_column_texts(c.kind, col) for c, col in zip(t.cols, raw, strict=True)]
    # A column with nothing in it takes no room.
    keep = [j for j, col in enumerate(all_columns) if any(col)] or list(range(len(t.cols)))
    cols = [t.cols[j] for j in keep]
    columns = [all_columns[j] for j in keep]
    n = len(cols)
    small = n > 8
    pstyle = styles["table-small"] if small else styles["table"]  # 小五 for wide tables, else 五号
    margin = CELL_MARGIN // 2 if small else CELL_MARGIN
    sample = [list(r) for r in zip(*[col[:300] for col in columns], strict=True)]
    widths = column_widths([c.name for c in cols], [c.kind for c in cols], sample, 9.0 if small else 10.5,
                           margin=margin)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    # The font (仿宋_GB2312, also for East Asian text) and size are the table style's.
    run_plain = '<w:r><w:t xml:space="preserve">'
    run_bold = '<w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">'
    rows_n = len(t.rows)
    # A short table stays on one page; a long one keeps its header with the first rows.
    together = rows_n <= 12

    def opening(width: int, jc: str, fill: str | None, keep_next: bool = False) -> str:
        shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        align = f'<w:jc w:val="{jc}"/>' if jc != "left" else ""
        nxt = "<w:keepNext/>" if keep_next else ""
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shd}<w:vAlign w:val="center"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{pstyle}"/>{nxt}{align}</w:pPr>')

    # Each column's cell opening, computed once (a report can have tens of thousands of rows).
    jcs = ["center" if c.kind in ("status", "result") else "right" if c.kind in RIGHT else "left" for c in cols]
    fill_of = {j: (STATUS_FILL if c.kind == "status" else RESULT_FILL) for j, c in enumerate(cols)
               if c.kind in ("status", "result")}

    def openings(keep_next: bool) -> tuple[list[str], dict[int, dict[str, str]]]:
        plain = [opening(w, jc, None, keep_next) for w, jc in zip(widths, jcs, strict=True)]
        filled = {j: {k: opening(widths[j], "center", v, keep_next) for k, v in fills.items()}
                  for j, fills in fill_of.items()}
        return plain, filled

    loose, glued = openings(False), openings(True)
    special = _SPECIAL.search

    def cell(j: int, text: str, bold: bool, keep_next: bool) -> str:
        plain, filled = glued if keep_next else loose
        head = filled[j].get(text.split("（")[0], plain[j]) if j in filled else plain[j]
        if not text:
            return head + _EMPTY_END
        return f"{head}{run_bold if bold else run_plain}{_text(text)}{_CELL_END}"

    def column(j: int, texts: list[str]) -> list[str]:
        """A column's cells as most rows have them: not bold, not kept with the next row."""
        plain, filled = loose
        head = plain[j]
        if j in filled:
            heads = filled[j]
            return [(f"{heads.get(s.split('（')[0], head)}{run_plain}{s if not special(s) else _text(s)}{_CELL_END}"
                     if s else heads.get(s.split("（")[0], head) + _EMPTY_END) for s in texts]
        return [f"{head}{run_plain}{s if not special(s) else _text(s)}{_CELL_END}" if s else head + _EMPTY_END
                for s in texts]

    head_row = "".join(opening(w, "center", HEADER_FILL, True) + f"{run_bold}{_text(c.name)}{_CELL_END}"
                       for c, w in zip(cols, widths, strict=True))
    rows = [f"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>{head_row}</w:tr>"]
    last = rows_n - 1
    if together:  # a few rows: each as it is
        body = [[cell(j, columns[j][i], t.total_row and i == last, i < last) for j in range(n)]
                for i in range(rows_n)]
    else:  # by column; the first row (kept with the next) and a 合计 row (bold) redone
        body = [list(r) for r in zip(*[column(j, col) for j, col in enumerate(columns)], strict=True)]
        body[0] = [cell(j, columns[j][0], False, True) for j in range(n)]
        if t.total_row:
            body[last] = [cell(j, columns[j][last], True, False) for j in range(n)]
    rows += ["<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(r) + "</w:tr>" for r in body]
    return [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/>'
            '</w:tblCellMar>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>', *rows, "</w:tbl>"]


def body_parts(doc: Doc, styles: dict[str, str], start: int = 0, stop: int | None = None) -> list[str]:
    """The paragraphs and tables of the body, as WordprocessingML (no enclosing w:body), in
    pieces to be written one after the other (a table a row a piece); ``start`` and ``stop``
    take a slice of the blocks (the title with the first, the issuer with the last)."""
    tight = '<w:spacing w:before="0" w:after="0"/>'
    parts = [] if start else [
        _para(_run(doc.title, TITLE_FONT, 22), jc="center", indent=False,
              spacing='<w:spacing w:before="0" w:after="240" w:line="700" w:lineRule="exact"/>'),
        _para(_run(doc.subtitle, KAI, 14), indent=False,
              spacing='<w:spacing w:before="0" w:after="120" w:line="400" w:lineRule="exact"/>'),
    ]
    for b in doc.blocks[start:stop]:
        if isinstance(b, Heading):
            font, bold = {1: (HEI, False), 2: (KAI, False)}.get(b.level, (BODY_FONT, True))
            parts.append(_para(_run(b.text, font, 16, bold), style=styles.get(f"h{b.level}"), spacing=tight,
                               keep_next=True))
        elif isinstance(b, Para):
            runs = (_run(b.lead, HEI, 16) if b.lead else "") + _run(b.text, BODY_FONT, 16)
            parts.append(_para(runs))
        elif isinstance(b, Table):
            if not b.rows and b.empty:
                parts.append(_para(_run(b.empty, BODY_FONT, 16)))
                continue
            if b.title:
                parts.append(_para(_run(b.title, HEI, 14), jc="center", indent=False, keep_next=True,
                                   spacing='<w:spacing w:before="120" w:after="60" w:line="400" w:lineRule="exact"/>'))
            parts.extend(_table(b, styles))
            parts.append(_para("", indent=False, spacing='<w:spacing w:before="0" w:after="0" w:line="240" '
                                                         'w:lineRule="auto"/>'))
        elif isinstance(b, Chart):
            continue  # charts are drawn in the HTML and Excel reports; the tables carry the same figures
    if doc.issued is not None and stop is None:
        # The issuing office and date at the foot, right-aligned four characters in (GB/T 9704).
        parts.append(_para("", indent=False, keep_next=True))  # the office and the date stay together
        if doc.issuer:
            parts.append(_para(_run(doc.issuer, BODY_FONT, 16), right_chars=4, keep_next=True))
        parts.append(_para(_run(cn_date(doc.issued), BODY_FONT, 16), right_chars=4))
    return parts


def _deflated_body(parts: list[str]) -> package.Piece:
    """``body_parts`` compressed, some rows at a time (never held as one string)."""
    return package.deflated("".join(parts[i:i + 2000]).encode("utf-8") for i in range(0, len(parts), 2000))


def _body_piece(doc: Doc, styles: dict[str, str], start: int = 0, stop: int | None = None) -> package.Piece:
    """``body_parts`` of a slice of the blocks, compressed (what a child sends back)."""
    return _deflated_body(body_parts(doc, styles, start, stop))


def _weights(doc: Doc) -> list[int]:
    """The work of each block: its table cells, a paragraph as a few."""
    return [len(b.rows) * len(b.cols) if isinstance(b, Table) else 4 for b in doc.blocks]


def _style_rpr(font: str, size: float, bold: bool) -> str:
    return f"<w:rPr {NS}>" + _rpr(font, size, bold)[len("<w:rPr>"):]


def _setup_styles(d: Any) -> dict[str, str]:
    """Body, heading and table styles in official-document fonts; returns their style ids
    (h1, h2, h3, table, table-small)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = d.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.remove(rpr_default.find(qn("w:rPr")))
    rpr = parse_xml(_style_rpr(BODY_FONT, 16, False))
    rpr.append(parse_xml(f'<w:lang {NS} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    rpr_default.append(rpr)

    normal = d.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing = Pt(28)  # fixed 28 pt pitch: 22 lines a page
    pf.widow_control = False

    ids: dict[str, str] = {}
    for name, size in (("table", 10.5), ("table-small", 9.0)):
        ts = d.styles.add_style(f"Tracker {name}", WD_STYLE_TYPE.PARAGRAPH)
        ts.base_style = normal
        el = ts.element
        el.append(parse_xml(_style_rpr(BODY_FONT, size, False)))
        tpf = ts.paragraph_format
        tpf.space_before, tpf.space_after = Pt(0), Pt(0)
        tpf.line_spacing = 1.0
        tpf.first_line_indent = Pt(0)
        # No extra space between Chinese and digits (autoSpace): a date or figure keeps its width.
        # Set here rather than in each cell (the schema's order puts it before the spacing).
        spacing = el.pPr.find(qn("w:spacing"))
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            spacing.addprevious(parse_xml(f'<{tag} {NS} w:val="0"/>'))
        ids[name] = ts.style_id
    for level, (font, bold) in {1: (HEI, False), 2: (KAI, False), 3: (BODY_FONT, True)}.items():
        style = d.styles[f"Heading {level}"]
        el = style.element
        old = el.find(qn("w:rPr"))
        if old is not None:
            el.remove(old)
        el.append(parse_xml(_style_rpr(font, 16, bold)))
        spf = style.paragraph_format
        spf.space_before, spf.space_after = Pt(0), Pt(0)
        spf.line_spacing = Pt(28)
        spf.keep_with_next = True
        ids[f"h{level}"] = style.style_id
    return ids


def _page_numbers(section: Any) -> None:
    """"— 1 —" centred in the footer, from a PAGE field."""
    from docx.oxml import parse_xml

    footer = section.footer
    footer.is_linked_to_previous = False
    rpr = _rpr(SONG, 14)
    fld = (f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
           f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
           f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
           f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
           f'<w:r>{rpr}<w:t>1</w:t></w:r>'
           f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
           f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>')
    p = parse_xml(f'<w:p {NS}><w:pPr><w:jc w:val="center"/></w:pPr>{fld}</w:p>')
    ftr = footer._element
    for old in list(ftr):
        ftr.remove(old)
    ftr.append(p)


def _font_table(blob: bytes) -> bytes:
    """Declare the Chinese fonts with their fallbacks (w:altName) in word/fontTable.xml."""
    from lxml import etree

    root = etree.fromstring(blob)
    w = f"{{{W_URI}}}"
    have = {f.get(f"{w}name") for f in root.findall(f"{w}font")}
    for name, alt in FONT_FALLBACKS.items():
        if name in have:
            continue
        font = etree.SubElement(root, f"{w}font")
        font.set(f"{w}name", name)
        for tag, val in (("altName", alt), ("charset", "86"), ("family", "modern"), ("pitch", "fixed")):
            etree.SubElement(font, f"{w}{tag}").set(f"{w}val", val)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


MARKER = "TRACKER-REPORT-BODY"


def write(doc: Doc, path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    from tracker import parallel

    d = docx.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(PAGE_W), Cm(PAGE_H)
    sec.top_margin, sec.bottom_margin = Cm(MARGINS["top"]), Cm(MARGINS["bottom"])
    sec.left_margin, sec.right_margin = Cm(MARGINS["left"]), Cm(MARGINS["right"])
    sec.header_distance, sec.footer_distance = Cm(1.5), Cm(2.5)
    styles = _setup_styles(d)
    d.core_properties.title = doc.title
    d.core_properties.language = "zh-CN"
    _page_numbers(sec)
    d.add_paragraph(MARKER)

    buf = io.BytesIO()
    d.save(buf)
    # The body goes into the saved package as text, in place of the marker paragraph: parsing
    # tens of thousands of rows into python-docx's element tree takes minutes and gigabytes.
    # The font table, which python-docx keeps as an opaque part, is completed the same way.
    # The body (a hundred megabytes of XML for a county's year-end report) is compressed as it is
    # made, some rows at a time, never held as one string. A big body is made in two halves, the
    # second by a forked child meanwhile (``tracker.parallel``), which compresses its half itself
    # (``tracker.reports.package``).
    split = parallel.halfway(_weights(doc))
    later = parallel.start(_body_piece, doc, styles, split) if split is not None else None
    with later if later is not None else contextlib.nullcontext():
        pieces = [_deflated_body(body_parts(doc, styles, 0, split if later is not None else None))]
        if later is not None:
            pieces.append(later.get())

        def part(name: str, data: bytes) -> list[package.Piece] | None:
            if name == "word/document.xml":
                head, tail = _around_marker(data.decode("utf-8"))
                return [package.deflated([head.encode("utf-8")]), *pieces, package.deflated([tail.encode("utf-8")])]
            if name == "word/fontTable.xml":
                return [package.deflated([_font_table(data)])]
            return None

        package.rewrite(buf.getvalue(), path, part)


def _around_marker(xml: str) -> tuple[str, str]:
    """The document before and after the marker paragraph, where the body goes."""
    at = xml.index(MARKER)
    start = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
    end = xml.index("</w:p>", at) + len("</w:p>")
    return xml[:start], xml[end:]
