"""Display width of text in a terminal or a table column: wide (CJK) characters count two.

One measure for the task list, the terminal report and the Word and Excel column widths.
"""

from __future__ import annotations

import re

# Characters that are all wide (east_asian_width W or F): CJK punctuation, ideographs, Hangul,
# full-width forms. Most report text is these and ASCII.
_WIDE = re.compile(r"[\u3000-\u303e\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff60\uffe0-\uffe6]")


def text_width(s: str) -> int:
    """Display width in columns: wide (CJK) characters count two."""
    if s.isascii():
        return len(s)
    rest = _WIDE.sub("", s)  # what is left is looked up a character at a time (often nothing)
    width = 2 * len(s) - len(rest)
    if rest.isascii():
        return width
    from unicodedata import east_asian_width

    return width + sum(1 for ch in rest if east_asian_width(ch) in "WF")


_CHAR: dict[str, int] = {}


def char_width(ch: str) -> int:
    """``text_width`` of one character (remembered)."""
    w = _CHAR.get(ch)
    if w is None:
        w = _CHAR[ch] = text_width(ch)
    return w
