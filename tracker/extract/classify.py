"""Stage 5 of the pipeline: is a section, an item or a paragraph plan, summary or neither?

Headings decide first (下半年工作计划 is plan, 上半年工作总结 and 存在问题 are not). Where a
document has no plan heading (民生实事 lists and their 进度表, a speech's 下半年要重点做好以下工作,
a news report of a meeting, an 实施方案 without the word 计划 in its headings) the content
decides: forward commitments (要/将/确保/力争/计划/预计/推进…, deadlines ahead) against reports
of the past (已/完成了/截至/同比增长…). Every decision carries its reason in Chinese, which the
``plan parse`` output shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract.numerals import fold

_FORWARD = re.compile(
    r"将(?!军)|要(?![求素点闻])|确保|力争|争取|计划|预计|拟|下一步|下半年|下阶段|今后|明年|年底前|年内|底前|月底前"
    r"|(?<![了已])(推进|加快|着力|全力|切实|抓好|做好|强化|深化|加强|完善|提升|推动|落实|启动|实施|建立健全|健全|打造|力促|谋划)"
    r"(?![了过])"
)
_PAST = re.compile(
    r"已经?|(完成|实现|取得|开展|举办|召开|进行|组织|建成|启动|推进|落实|出台|印发|获得|投入|新增|增加|提升|提高)了"
    r"|截至|截止|目前|累计|同比|比上年|较上年|较去年|比去年|共计|先后|圆满|顺利完成|超额|荣获|被评为|共完成|共有|上半年(共|完成|实现|新增)"
    r"|一年来|半年来|今年以来|过去的一年|过去一年"
)
_PROBLEM = re.compile(r"问题|不足|困难|短板|差距|薄弱|隐患|原因|教训")
_PROBLEM_LEAD = re.compile(r"(表现在|主要是|体现在|问题|不足|困难|短板|差距|原因)[^。；;]{0,8}[：:]?\s*$")
_PLAN_LEAD = re.compile(
    r"(以下(几个方面|几方面|方面|工作|任务|重点)|重点(做好|抓好|推进|抓|做)|要(重点|着力|抓好|做好)|下一步|下半年|下阶段|今后"
    r"|计划|打算|思路|安排|要求|目标|任务|措施|举措|将|力争|确保|有[一二三四五六七八九十\d]+项)[^。；;]{0,20}[：:]\s*$"
)
# Documents that report the progress of commitments item by item: each numbered line is one.
_PROGRESS_DOC = re.compile(r"进展|进度|实事|推进情况|完成情况|落实情况|执行情况|自查|督查|督办|台账|清单|分解")


@dataclass
class Verdict:
    kind: str  # plan | summary | other
    reason: str


def tense_score(text: str) -> tuple[int, int]:
    """How many forward-commitment and past-report markers a text has."""
    n = fold(text)
    return len(_FORWARD.findall(n)), len(_PAST.findall(n))


def is_progress_document(title: str, opening: str) -> bool:
    """A 民生实事 进度表, 进展情况 or 自查报告: its numbered items are the commitments."""
    return bool(_PROGRESS_DOC.search(fold(title)) or _PROGRESS_DOC.search(fold(opening[:120])))


def classify_item(title: str, text: str, progress_doc: bool) -> Verdict:
    """A numbered item found outside any plan heading: plan or not, by its words."""
    t = fold(title)
    if _PROBLEM.search(t) and len(t) <= 30:
        return Verdict("other", f"条目标题“{title[:20]}”是问题或不足")
    f, p = tense_score(text)
    if progress_doc:
        return Verdict("plan", "进展报告中的编号事项视为承诺事项（其下的进展不作为指标）")
    if p >= 2 and p > 2 * f:
        return Verdict("summary", f"内容以已完成的情况为主（已完成用语 {p} 处，计划用语 {f} 处）")
    return Verdict("plan", f"内容以要做的工作为主（计划用语 {f} 处，已完成用语 {p} 处）")


def classify_lead(lead: str) -> Verdict | None:
    """The sentence that introduces a run of 一是/二是…: plan, problem, or undecided (None)."""
    n = fold(lead).rstrip()
    if _PROBLEM_LEAD.search(n):
        return Verdict("other", "列举前的引导语说的是问题或不足")
    if _PLAN_LEAD.search(n):
        return Verdict("plan", "列举前的引导语说的是要做的工作")
    return None


def classify_paragraph(text: str) -> Verdict:
    """An unnumbered paragraph of a document without plan headings (a work report's bold leads)."""
    f, p = tense_score(text)
    if f >= 2 and f > p:
        return Verdict("plan", f"段落以要做的工作为主（计划用语 {f} 处，已完成用语 {p} 处）")
    return Verdict("summary" if p > f else "other", f"段落不是计划（计划用语 {f} 处，已完成用语 {p} 处）")
