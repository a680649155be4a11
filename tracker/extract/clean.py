"""Stage 2 of the pipeline: text → clean lines, with what was dropped and why.

Documents reach us from office files, government portals, document-sharing sites, content farms
and forums. What is not the document's own text is removed here, each rule named for the family
of pages that produces it:

- site chrome of portals and content farms (breadcrumbs, 扫一扫, 分享到, 打印本页, 关闭窗口,
  时间：/来源： lines, 字号, 责任编辑) and their advertising and paywall lines;
- page markers of document-sharing sites (第2页共8页, anywhere in a line);
- forum chrome (楼主, 回复, floor numbers, 发表于 lines);
- the wrapper of a 关于印发……的通知 (its subject line, 文号, 主送 line and transmittal sentence),
  and the portal notes （此件公开发布） and 发布日期;
- Markdown markup (headings, emphasis, lists), table-of-contents entries and piece markers of
  compilations (篇二：, 范文3).

All matching is on the folded text (numerals.fold); the original text is what is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tracker.extract.numerals import fold


@dataclass
class Line:
    orig: str
    norm: str


@dataclass
class Cleaned:
    """The document's own lines, the wrapper's subject (if any) and the dropped lines by reason."""

    lines: list[Line]
    wrapper_subject: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1


# Portals and content farms: chrome, advertising and paywalls (whole lines).
_CHROME = re.compile(
    r"^#+paid(begin|end)#+$|^目\s*录$|^(第\s*\d+\s*页|[-—]\s*\d+\s*[-—]|\d+\s*/\s*\d+|page\s*\d+)$"
    r"|添加客服|素材库|代笔|svip|网盘群|会员群|关注(微信)?公众号|公众号[:：]|微信号[:：]"
    r"|^(首页|当前位置|您的位置|你的位置|您现在的位置)\s*[>＞»:：]|^首页\s*(>|>>|》|＞|/)"
    r"|发布时间[:：]|浏览次数|阅读次数|点击数[:：]|[【\[]\s*字号|字号\s*[:：]|字体大小[:：]?|^来源[:：]"
    r"|^(时间|日期|作者|编辑|责任编辑|文章来源|信息来源|发布机构|发文机关|索引号|主题分类|成文日期|发布日期|文号)\s*[:：]"
    r"|版权所有|免责声明|本文来源|原文链接|转载请|^[\[【]?\s*(打印|关闭|返回顶部|收藏)\s*[\]】]?(\s*[\[【]?\s*(打印|关闭|收藏)\s*[\]】]?)*$"
    r"|^内容预览[:：]?$|^全文共\s*\d+\s*字|仅供.{0,8}会员|点此注册|刷新页面|登录网站|了解我站|秘书文库|网络秘书"
    r"|^[（(]此件(公开发布|主动公开|不公开)[)）]$|^荟聚奇文|博采众长|见贤思齐|小编(今天|为您|为大家|整理)|对你有所帮助|对您有所帮助"
    r"|^(次|点击数|浏览量)$|^(下载|打印|全屏|收藏|分享|返回|关闭|纠错|大|中|小|默认|加大|减小|放大|缩小|重置|还原|无障碍|繁体|简体|English)$"
    r"|以下是.{0,20}(为大家|为您)|^(上一篇|下一篇)[:：]|^相关(文章|阅读|推荐)[:：]?$|^(热门|推荐)(文章|阅读)$",
    re.IGNORECASE,
)
# Words of chrome that can also stand in a plan's own text: only on short lines.
_CHROME_SHORT = re.compile(r"扫码|扫一扫|二维码|打印本页|关闭窗口|分享到|欢迎加入|移动端[:：]|网站[:：]")
# Forums: 楼主, floor numbers, reply buttons, post dates, user levels.
_FORUM = re.compile(
    r"^(楼主|沙发|板凳|地板|\d+\s*楼|\d+\s*#|#\s*\d+)(\s|$|[:：])|^(回复|引用|举报|只看该作者|只看楼主|倒序浏览)(\s|$|\d)"
    r"|^发表于\s*\d|^(等级|积分|帖子|精华|注册时间|在线时间|UID)\s*[:：]|^\d+\s*(条)?回复$|^(回复|查看)\s*\d+\s*[|/]",
    re.IGNORECASE,
)
# A wrapper of an issued document: 关于印发《……》的通知, 文号, 主送, transmittal sentence.
_WRAPPER_SUBJECT = re.compile(r"^(.{0,40}?)关于(印发|公布|转发|下达|发布|颁布|做好|)(.{2,80}?(?:方案|计划|要点|规划|细则|清单|意见|办法|思路|安排|分解表).{0,12}?)的?(通知|决定|函)$"
                              r"|^(.{0,40}?)关于(印发|公布|转发|下达|发布|颁布)(.{2,80}?)的?(通知|决定|函|意见)$")
_DOC_NUMBER = re.compile(r"^[（(]?[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号[)）]?$")
_ADDRESSEES = re.compile(r"^(各|全[市县区省]各)[\u4e00-\u9fff、，,（）()]{2,80}[：:]$")
_TRANSMITTAL = re.compile(r"(印发给你们|予以公布|发给你们|转发给你们|请认真贯彻执行|请认真贯彻落实|请结合实际认真贯彻|请认真抓好落实|请遵照执行)")
_ISSUER_OR_DATE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")  # the wrapper's date line
_TOC = re.compile(r"^(.{2,80}?)(\t+|\s{2,}|[.…·_\-]{3,}|…+)\s*\d{1,3}\s*$")
_PIECE = re.compile(r"^(?:篇[一二三四五六七八九十\d]+|第[一二三四五六七八九十\d]+篇|范文[一二三四五六七八九十\d]*)\s*[:：、.．]?\s*")
_PIECE_AFTER = re.compile(r"(?<=[\u4e00-\u9fff])\s*(?:篇|范文)\s*[一二三四五六七八九十\d]{1,2}$")
_MD = re.compile(r"^(#{1,6}\s*|[-*+]\s+|>\s*)")
# Document-sharing sites: "第1页共9页" at the start of each page chunk, often run into the text.
_PAGE_MARK = re.compile(r"第\s*\d{1,4}\s*页\s*[,，/、]?\s*共\s*\d{1,4}\s*页")

def _markdown_tables(lines: list[str]) -> list[str]:
    """Table blocks as one numbered line per row, like .docx tables.

    Markdown tables (| 序号 | 工作任务 | 完成时限 |) and the pipe-separated rows that HTML and
    spreadsheet exports of 任务分解表 and 考核细则 leave (1 | 完善“四个到位” | 5 | … | 县河长办).
    """
    from tracker.extract.reader import table_lines

    out: list[str] = []
    block: list[list[str]] = []
    raw_block: list[str] = []

    def flush() -> None:
        if len(block) >= 2 or (block and raw_block[0].strip().startswith("|")):
            out.extend(table_lines(block))
        else:
            out.extend(raw_block)
        block.clear()
        raw_block.clear()

    for raw in lines:
        s = raw.strip()
        outer = len(s) > 2 and s.startswith("|") and s.endswith("|")
        if outer or s.count("|") >= 2:
            body = s[1:-1] if outer else s
            cells = [c.strip() for c in body.split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                block.append(cells)
                raw_block.append(raw)
            continue
        if block:
            flush()
        out.append(raw)
    if block:
        flush()
    return out


_FRONT_KEY = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*)$")


def _front_matter(raws: list[str]) -> list[str]:
    """Pages saved as Markdown with a front-matter block (--- title: … source: … ---): its title stays."""
    lines = [r.strip() for r in raws[:40]]
    first = next((i for i, r in enumerate(lines) if r), None)
    if first is None or lines[first] != "---":
        return raws
    end = next((i for i in range(first + 1, len(lines)) if lines[i] == "---"), None)
    if end is None:
        return raws
    title = ""
    for r in lines[first + 1:end]:
        m = _FRONT_KEY.match(r)
        if m and m.group(1).lower() == "title":
            title = m.group(2).strip().strip("\"'")
    return ([title] if title else []) + raws[end + 1:]


def clean(text: str, is_title: Callable[[str], bool] | None = None) -> Cleaned:
    """The document's own lines; ``is_title`` recognises a title line followed by its page number."""
    result = Cleaned([])
    raws = text.split("\n")
    if "|" in text:
        raws = _markdown_tables(raws)
    in_wrapper = False
    raws = _front_matter(raws)
    for raw in raws:
        s = raw.strip(" \t\u3000\xa0\ufeff\r\x0b\x0c")
        if not s:
            continue
        if s[0] in "#-*+>":
            s = _MD.sub("", s, count=1).strip()
        if "**" in s or "__" in s:
            s = s.replace("**", "").replace("__", "")
        n = fold(s)
        if "页" in n and _PAGE_MARK.search(n):
            keep = [(m.start(), m.end()) for m in _PAGE_MARK.finditer(n)]
            for a, b in reversed(keep):
                s, n = (s[:a] + s[b:]).strip(), (n[:a] + n[b:]).strip()
            result.drop("分页标记")
            if not n:
                continue
        if not s:
            continue
        if _CHROME.search(n) or _TOC.match(n) or (len(n) <= 60 and _CHROME_SHORT.search(n)):
            result.drop("网页栏目、广告或目录")
            continue
        if _FORUM.search(n):
            result.drop("论坛信息")
            continue
        w = _WRAPPER_SUBJECT.match(n)
        if w and len(n) <= 120 and len(result.lines) <= 2:
            result.wrapper_subject = s
            result.drop("印发通知的标题")
            in_wrapper = True
            continue
        if _DOC_NUMBER.match(n) or (in_wrapper and (_ADDRESSEES.match(n) or (len(n) <= 160 and _TRANSMITTAL.search(n))
                                                   or _ISSUER_OR_DATE.match(n))):
            result.drop("文号、主送或印发说明")
            continue
        if _ADDRESSEES.match(n) and len(result.lines) <= 3:
            result.drop("文号、主送或印发说明")
            continue
        piece = _PIECE.match(n)
        if piece:  # 篇二：… / 范文3 before a unit's title in a compilation
            s, n = s[piece.end():], n[piece.end():]
            if not n:
                continue
        after = _PIECE_AFTER.search(n)
        if after and is_title is not None and is_title(n[:after.start()]):
            s, n = s[:after.start()], n[:after.start()]
        page = re.match(r"^(.{6,80}?)\s+\d{1,3}$", n)
        if page and is_title is not None and is_title(page.group(1)):
            result.drop("网页栏目、广告或目录")
            continue  # a table-of-contents entry: a title and its page number
        if in_wrapper and is_title is not None and is_title(n):
            in_wrapper = False  # the issued document itself begins
        result.lines.append(Line(s, n))
    _drop_contents_list(result)
    return result


def _drop_contents_list(result: Cleaned) -> None:
    """A table of contents without page numbers: three or more short lines in a row, each repeated later as a heading."""
    lines = result.lines
    later: dict[str, int] = {}
    for i, ln in enumerate(lines):
        later[ln.norm] = i  # last position of each line
    keep: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and i < 80 and len(lines[j].norm) <= 40 and later[lines[j].norm] > j \
                and not any(ch in lines[j].norm for ch in "。；;，,"):
            j += 1
        # Only near the start, in the order they come back, and never sentences (the repeated
        # heading-and-sentence pairs of each document in a compilation stay).
        seen = [later[lines[k].norm] for k in range(i, j)]
        if j - i >= 3 and seen == sorted(seen) and seen[0] > j:
            result.dropped["网页栏目、广告或目录"] = result.dropped.get("网页栏目、广告或目录", 0) + (j - i)
            i = j
            continue
        keep.append(lines[i])
        i += 1
    result.lines = keep


def wrapper_issuer(subject: str | None) -> str:
    """The office that issued a 关于印发……的通知: the words before 关于."""
    if not subject:
        return ""
    m = _WRAPPER_SUBJECT.match(fold(subject))
    if not m:
        return ""
    before = m.group(1) if m.group(1) is not None else (m.group(5) or "")
    return subject[: len(before)].strip()
