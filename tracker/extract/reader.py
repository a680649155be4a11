"""Read a plan document into text: .txt/.md in any common Chinese encoding, or .docx.

The encoding is found from the bytes (BOM, UTF-16 byte pattern, strict UTF-8, strict GB18030,
then charset-normalizer), not from the extension. Anything that is not readable text gets an
InputError in Chinese; nothing here raises anything else.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tracker.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
MAX_BYTES = 20 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_HINTS = {
    ".doc": "旧版 Word（.doc）文件无法直接读取，请在 Word 或 WPS 中另存为 .docx 后再导入",
    ".wps": "WPS 文字（.wps）文件无法直接读取，请另存为 .docx 后再导入",
    ".pdf": "暂不支持 PDF，请将文档另存为 .docx 或 .txt 后再导入",
    ".xls": "表格文件不是计划文档，请使用 .docx、.txt 或 .md",
    ".xlsx": "表格文件不是计划文档，请使用 .docx、.txt 或 .md",
}


def read_document(path: str | Path) -> str:
    """The text of a plan document; InputError for anything that is not one."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"文件不存在：{p}")
    if p.is_dir():
        raise InputError(f"这是一个文件夹，不是文件：{p}")
    suffix = p.suffix.lower()
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"文件是空的：{p.name}")
    if size > MAX_BYTES:
        raise InputError(f"文件过大（{size / 1024 / 1024:.1f} MB）：计划文档一般不超过 "
                         f"{MAX_BYTES // 1024 // 1024} MB，请检查是否选错了文件，或拆分后分别导入")
    if suffix == ".docx":
        text = read_docx(p)
    elif suffix in TEXT_SUFFIXES:
        text = decode(p.read_bytes(), p.name)
    elif suffix in _HINTS:
        raise InputError(f"{_HINTS[suffix]}：{p.name}")
    else:
        raise InputError(f"不支持的文件类型“{suffix}”：{p.name}（支持 .txt、.md、.docx）")
    if not text.strip():
        raise InputError(f"文件中没有文字内容：{p.name}")
    return text


def decode(data: bytes, name: str = "文件") -> str:
    """Bytes to text, with the encoding detected from the bytes themselves."""
    text = _decode(data)
    if text is None or _looks_binary(text):
        raise InputError(f"{name} 不是文本文件（可能是图片、压缩包或其他二进制文件），无法读取")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return _try(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _try(data, "utf-16")
    head = data[:4096]
    if len(head) >= 4:
        even = head[0::2].count(0) / max(1, len(head[0::2]))
        odd = head[1::2].count(0) / max(1, len(head[1::2]))
        if odd > 0.2 and even < 0.05:
            return _try(data, "utf-16-le")
        if even > 0.2 and odd < 0.05:
            return _try(data, "utf-16-be")
    for enc in ("utf-8", "gb18030"):
        text = _try(data, enc)
        if text is not None:
            return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - a detector failure is simply "unknown encoding"
        return None
    if best is None or best.encoding is None:
        return None
    return _try(data, best.encoding, errors="replace")


def _try(data: bytes, enc: str, errors: str = "strict") -> str | None:
    try:
        return data.decode(enc, errors=errors)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample))
    return "\x00" in sample or bad > max(3, len(sample) // 200)


def read_docx(p: Path) -> str:
    """Paragraphs and tables of a .docx, in document order, as lines of text."""
    if not zipfile.is_zipfile(p):
        raise InputError(f"{p.name} 不是有效的 Word（.docx）文件：文件内容不是 docx 格式")
    try:
        with zipfile.ZipFile(p) as z:
            if "word/document.xml" not in z.namelist():
                raise InputError(f"{p.name} 不是有效的 Word（.docx）文件：压缩包里没有 Word 正文")
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(p))
        lines: list[str] = []
        counters: dict[tuple[str, int], int] = {}
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(_numbered(block, counters) + block.text)
            elif isinstance(block, Table):
                lines.extend(table_lines([[cell.text for cell in row.cells] for row in block.rows]))
        return "\n".join(lines)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a damaged file
        raise InputError(f"{p.name} 无法作为 Word（.docx）文件读取：文件已损坏或不是 Word 文档（{type(exc).__name__}）") from None


_LEVEL_LABEL = ("{n}.", "（{n}）", "{c}")


def _numbered(par: object, counters: dict[tuple[str, int], int]) -> str:
    """Word's automatic numbering is not in the text: write a label for it, one style per level."""
    ppr = getattr(getattr(par, "_p", None), "pPr", None)
    num = getattr(ppr, "numPr", None) if ppr is not None else None
    if num is None or num.numId is None:
        return ""
    num_id = str(num.numId.val)
    level = int(num.ilvl.val) if num.ilvl is not None else 0
    for key in [k for k in counters if k[0] == num_id and k[1] > level]:
        del counters[key]
    n = counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
    style = _LEVEL_LABEL[min(level, 2)]
    return style.format(n=n, c=chr(0x2460 + min(n, 20) - 1))


_HEADER_WORDS = ("序号", "任务", "内容", "事项", "措施", "目标", "时限", "时间", "责任", "牵头", "单位", "备注", "项目", "指标", "考核", "分值", "部门")


def table_lines(rows: list[list[str]]) -> list[str]:
    """A task table (序号 | 工作任务 | 完成时限 | 责任单位 …) as one numbered line per row."""
    rows = [[" ".join(c.split()) for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    header: list[str] | None = None
    if sum(any(w in c for w in _HEADER_WORDS) for c in rows[0]) >= 2:
        header, rows = rows[0], rows[1:]
    out = []
    for r in rows:
        if header and len(r) < len(header):
            r = [""] * (len(header) - len(r)) + r  # merged leading cells (序号, 考核项目) drop out of an export
        cells = _dedupe(r)
        label = ""
        first = cells[0][0] if cells and cells[0][1] == 0 else ""  # the 序号 column only, never 分值
        if re.fullmatch(r"\d{1,3}|[一二三四五六七八九十]{1,3}", first):
            label = f"{first}、" if first.isdigit() else f"（{first}）"
            cells = cells[1:]
        elif re.fullmatch(r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,3}[、.．]", first):
            label = first if first[-1] not in ".．" else first[:-1] + "、"
            cells = cells[1:]
        parts, due = [], []
        for i, (text, col) in enumerate(cells):
            name = header[col] if header and col < len(header) else ""
            if name and any(w in name for w in ("时限", "时间", "完成期限")):
                due.append(text)  # the row's deadline governs its task: put it in front
            elif any(w in name for w in ("分值", "分数", "权重", "序号")):
                continue  # points of an assessment list, not part of the task
            elif i > 0 and name and any(w in name for w in ("目标", "计划")) and not text.startswith(name):
                parts.append(f"{name}：{text}")  # 年度目标：新建幼儿园3所 — the column says it is a commitment
            elif i == 0 or not name or any(w in name for w in ("任务", "内容", "事项", "措施", "指标", "项目")):
                parts.append(text)
            else:
                parts.append(f"{name}：{text}")
        if due and parts:
            parts[0] = f"{'，'.join(due)}，{parts[0]}"
        line = "；".join(x for x in parts if x)
        if line:
            out.append(label + line + ("" if line.endswith(("。", "；")) else "。"))
    return out


def _dedupe(row: list[str]) -> list[tuple[str, int]]:
    """Cells with their column, merged cells (repeated text) once."""
    out: list[tuple[str, int]] = []
    for i, c in enumerate(row):
        if c and (not out or out[-1][0] != c):
            out.append((c, i))
    return out
