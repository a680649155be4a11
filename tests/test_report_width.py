"""The display width the Word and Excel reports size columns by: wide (CJK) characters count two."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tracker.width import text_width


def by_character(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def test_report_texts() -> None:
    assert text_width("重点任务1") == 9
    assert text_width("≥14家（50%）") == 1 + 2 + 2 + 2 + 3 + 2  # ≥ is narrow, （ and ） wide
    assert text_width("“城北学校”子事项——完成") == 1 + 8 + 1 + 6 + 2 + 4
    assert text_width("") == 0


@given(st.text())
def test_same_as_looking_up_each_character(s: str) -> None:
    assert text_width(s) == by_character(s)


@given(st.lists(st.sampled_from("天地人　，。、（）％ＡabＢ1≥≤“”—…·→↑↓①😀\u3040\u30a2\uac00\u2e80"), max_size=20))
def test_mixed_report_characters(chars: list[str]) -> None:
    s = "".join(chars)
    assert text_width(s) == by_character(s)
