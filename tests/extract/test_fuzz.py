"""The extractor never crashes: any text gives a result; any bytes give a result or an InputError."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import InputError
from tracker.extract import parse_file, parse_target_phrase, parse_text

PIECES = st.sampled_from([
    "一、", "二、下半年工作计划\n", "（一）", "（二）", "1.", "2、", "(1)", "①", "一是", "二是", "第一，", "首先，",
    "年底前", "9月底前", "下半年", "三季度", "到2025年底", "确保", "力争", "建设", "14家", "十四家", "2-3个", "10—15名",
    "90%以上", "降至9.3%", "300亿元以上", "1300万元", "“两个100%”", "XX", "xx个", "**", "201*年", "20xx年",
    "“十四五”", "（", "）", "《", "“", "”", "。", "，", "；", "\n", "\t1\n", "##paidbegin##\n",
    "某县教育局2024年上半年工作总结和下半年工作计划\n", "工作要点\n", "在5家基础上", "0-6岁", "24小时", "已完成",
    # the families of the pipeline's later stages: wrappers, chrome, bullets, tables, annexes, terms
    "关于印发某县2025年工作要点的通知\n", "某政办发〔2025〕3号\n", "各乡镇人民政府：\n", "第2页共8页", "扫一扫\n",
    "---\ntitle: 政府工作报告\n---\n", "●", "?", "■ ", "其次是", "再次是", "一要", " | ", "序号 | 任务 | 完成时限\n",
    "附件1\n", "2026年十件民生实事\n", "第一学期\n", "主要预期目标是：", "增长6%左右", "十四五", "2010学年",
    "在某市第六届人民代表大会第五次会议上\n", "计划改造老旧小区440，", "占任务数的28.86%", "其中", "总投资", "前8",
    "綜合指數達到90", "寿命达80岁", "人数达50万以上", "楼主\n", "发表于 2025-01-01\n", "(jié)",
])
TEXT = st.one_of(st.text(max_size=400), st.lists(PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_parses(text):
    doc = parse_text(text)
    doc.to_dict()
    for u in doc.units:
        assert u.period_start <= u.period_end


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_phrase(text):
    for t in parse_target_phrase(text, date(2023, 7, 1), date(2023, 12, 31)):
        assert t.kind in {"count", "percent", "amount", "deadline", "ratio"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".docx", ".doc", ".pdf", ""]))
def test_any_bytes_give_a_result_or_a_clear_error(tmp_path, data, suffix):
    p = tmp_path / f"f{suffix}"
    p.write_bytes(data)
    try:
        parse_file(p)
    except InputError as e:
        assert str(e)


def test_one_long_line():
    sentence = "（一）加强统筹协调，推进各项重点工作落实落细，持续优化营商环境，切实提升群众满意度，年底前建设14家社康机构。"
    line = (sentence * (5 * 1024 * 1024 // len(sentence.encode()) + 1))
    doc = parse_text("某局2024年下半年工作计划\n" + line)
    [unit] = doc.units
    assert unit.items and unit.items[0].targets[0].value == 14


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(["劃計", "０１", "％", "\u3000", "𠁞", "\U0002005e",
                                                                  "\U00030ede", "\U0010ffff", "ａｚ"])),
                max_size=20).map("".join))
def test_fold_maps_as_its_table_does(text: str) -> None:
    """``fold``'s list for texts within U+FFFF maps each character as the folding table does."""
    from tracker.extract.numerals import _fold_table, fold

    assert fold(text) == text.translate(_fold_table())
    assert len(fold(text)) == len(text)
