"""Display width of text in a terminal or a table column: wide (CJK) characters count two.

One measure for the task list, the terminal report and the Word and Excel column widths.
"""

from __future__ import annotations


class _Widths(dict[str, int]):
    """Each character's width, looked up once (east_asian_width W or F counts two)."""

    def __missing__(self, ch: str) -> int:
        from unicodedata import east_asian_width

        w = self[ch] = 2 if east_asian_width(ch) in "WF" else 1
        return w


_WIDTHS = _Widths()
_width_of = _WIDTHS.__getitem__


def text_width(s: str) -> int:
    """Display width in columns: wide (CJK) characters count two."""
    if s.isascii():
        return len(s)
    # A dict lookup a character is faster than a regular expression for table-cell text, and
    # costs nothing at start-up (compiling a pattern of the CJK ranges took about 3 ms).
    return sum(map(_width_of, s))


def char_width(ch: str) -> int:
    """``text_width`` of one character."""
    return _width_of(ch)
