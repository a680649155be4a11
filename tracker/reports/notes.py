"""Progress notes laid out as offices report an item: 进展情况 / 存在的问题 / 下一步措施.

A note is free text. Where its author marked the parts ("问题：…", "下一步：…", also
"存在的问题：", "困难：", "下一步措施：", "下步：", "进展情况：" …) the note is split at those
marks; text before the first mark is the progress part. A note without marks is all progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROGRESS, PROBLEMS, NEXT_STEPS = "进展情况", "存在的问题", "下一步措施"

# Longer marks first so that "存在的问题：" is not read as "问题：".
_MARKS = {
    "进展情况": PROGRESS, "工作进展": PROGRESS, "完成情况": PROGRESS, "进展": PROGRESS,
    "存在的问题": PROBLEMS, "存在问题": PROBLEMS, "主要问题": PROBLEMS, "困难和问题": PROBLEMS,
    "问题": PROBLEMS, "困难": PROBLEMS,
    "下一步措施": NEXT_STEPS, "下一步计划": NEXT_STEPS, "下一步工作": NEXT_STEPS, "下一步打算": NEXT_STEPS,
    "下一步": NEXT_STEPS, "下步": NEXT_STEPS,
}
_MARK_RE = re.compile(
    "(" + "|".join(sorted(_MARKS, key=len, reverse=True)) + r")\s*[:：]"
)
_TRIM = " \t\r\n；;，,、"


@dataclass(frozen=True)
class Parts:
    """The three parts of a note; a part not given is the empty string."""

    progress: str = ""
    problems: str = ""
    next_steps: str = ""

    def labelled(self) -> list[tuple[str, str]]:
        """(label, text) in report order, "—" for a part not given."""
        return [(f"{PROGRESS}：", self.progress or "—"), (f"{PROBLEMS}：", self.problems or "—"),
                (f"{NEXT_STEPS}：", self.next_steps or "—")]


    def present(self) -> list[tuple[str, str]]:
        """(label, text) of the parts given, in report order (no "—" filler for the others)."""
        parts = ((PROGRESS, self.progress), (PROBLEMS, self.problems), (NEXT_STEPS, self.next_steps))
        return [(f"{label}：", text) for label, text in parts if text]


EMPTY = Parts()


def split_note(note: str | None) -> Parts:
    """Split a progress note at its part marks (see the module docstring)."""
    text = (note or "").strip()
    if not text:
        return EMPTY
    if "：" not in text and ":" not in text:  # no mark can end here: all progress
        tail = text.strip(_TRIM)
        return Parts(tail) if tail else EMPTY
    found: dict[str, list[str]] = {PROGRESS: [], PROBLEMS: [], NEXT_STEPS: []}
    current = PROGRESS
    pos = 0
    for m in _MARK_RE.finditer(text):
        chunk = text[pos:m.start()].strip(_TRIM)
        if chunk:
            found[current].append(chunk)
        current = _MARKS[m.group(1)]
        pos = m.end()
    tail = text[pos:].strip(_TRIM)
    if tail:
        found[current].append(tail)
    return Parts(*("".join(found[k]) for k in (PROGRESS, PROBLEMS, NEXT_STEPS)))
