"""Document structure: units, plan sections, numbering styles, children, noise and periods."""

from __future__ import annotations

from tracker.extract import parse_text


def items(doc, unit=0):
    return [(i.label, i.title) for i in doc.units[unit].items]


def tree(item) -> list:
    return [item.label, [tree(c) for c in item.children]]


COMPILATION = """2024年上半年工作总结和下半年工作计划汇编
目录
某县教育局2024年上半年工作总结和下半年工作计划……………………1
某县卫生健康局2024年上半年工作总结和下半年工作计划………………5
##paidbegin##
某县教育局2024年上半年工作总结和下半年工作计划
上半年，我局坚持稳中求进。
一、上半年工作总结
（一）学位供给持续扩大。上半年新建幼儿园3所。
（二）教师队伍不断加强。招聘教师86名。
二、存在的问题
一是学位仍然紧张。二是教师结构不优。
三、下半年工作计划
（一）扩大优质学位供给。年底前新建改扩建学校4所，新增学位2000个以上。
（二）加强教师队伍建设。
1.做好招聘工作。9月底前招聘教师120名。
2.加强教师培训。力争培训覆盖率达到100%。
（三）办好人民满意的特殊教育。
某县教育局
2024年7月5日

某县卫生健康局2024年上半年工作总结和下半年工作计划
一、上半年工作情况
全面完成各项工作。
二、下一步工作打算
1、医院做强。一是推进三甲创建；二是推进3家医院建设。
2、社康做全。建设14家社康机构。
【某某素材网】更多范文请添加客服微信 abc123
##paidend##
"""


def test_compilation_units_toc_noise_and_signature():
    doc = parse_text(COMPILATION)
    assert [u.name for u in doc.units] == ["某县教育局", "某县卫生健康局"]
    edu, health = doc.units
    assert edu.plan_heading == "三、下半年工作计划" and health.plan_heading == "二、下一步工作打算"
    assert [i.label for i in edu.items] == ["（一）", "（二）", "（三）"]
    assert [c.label for c in edu.items[1].children] == ["1.", "2."]
    assert edu.items[2].text == "办好人民满意的特殊教育。"  # the signature did not join the last item
    assert [tree(i) for i in health.items] == [["1、", [["一是", []], ["二是", []]]], ["2、", []]]
    assert "素材" not in health.items[-1].text
    assert (str(edu.period_start), str(edu.period_end)) == ("2024-07-01", "2024-12-31")
    assert doc.year == 2024 and doc.half == 2


def test_summary_sections_never_become_tasks():
    doc = parse_text(COMPILATION)
    texts = [i.text for u in doc.units for i in u.items]
    assert not any("学位供给持续扩大" in t or "学位仍然紧张" in t for t in texts)


def test_children_inside_a_paragraph_do_not_repeat_in_the_parent():
    doc = parse_text(COMPILATION)
    first = doc.units[1].items[0]
    assert first.text == "医院做强。"
    assert [t.value for t in first.children[1].targets] == [3]
    assert first.targets == []


WORK_POINTS = """某县发展和改革委员会2025年工作要点
一、总体要求
坚持稳中求进工作总基调。
二、重点任务
（一）扩大有效投资。全年完成固定资产投资300亿元以上。
（二）推进重大项目。
（1）新开工亿元以上项目64个；
（2）新竣工投产项目96个。
（三）优化营商环境。①推进“一网通办”；②年底前实现企业开办1个工作日办结。
"""


def test_a_document_that_is_all_plan_is_read_whole():
    doc = parse_text(WORK_POINTS)
    [unit] = doc.units
    assert unit.name == "某县发展和改革委员会"
    assert (str(unit.period_start), str(unit.period_end)) == ("2025-01-01", "2025-12-31")
    assert unit.plan_heading == "二、重点任务"  # 总体要求 is not a task
    tasks = unit.items
    assert [c.label for c in tasks] == ["（一）", "（二）", "（三）"]
    assert [c.label for c in tasks[1].children] == ["（1）", "（2）"]
    assert [c.label for c in tasks[2].children] == ["①", "②"]
    assert tasks[0].targets[0].value == 300


def test_items_run_together_in_one_paragraph():
    text = ("某街道办事处2023年上半年工作总结及下步工作打算\n一、工作总结\n略。\n二、下步工作打算\n"
            "（一）抓好安全生产。开展隐患排查。（二）抓好民生保障。新增就业岗位500个。（三）抓好基层治理。")
    [unit] = parse_text(text).units
    assert items(parse_text(text)) == [("（一）", "抓好安全生产"), ("（二）", "抓好民生保障"), ("（三）", "抓好基层治理")]
    assert unit.items[1].targets[0].value == 500
    assert unit.period_start.month == 7


def test_ordinal_words_and_other_numbering_styles():
    text = ("某镇人民政府2023年下半年工作计划\n"
            "第一，抓好项目建设。年底前完成投资5亿元。第二，抓好乡村振兴。第三，抓好社会治理。\n")
    assert [i.label for i in parse_text(text).units[0].items] == ["第一，", "第二，", "第三，"]
    text2 = "某局下半年工作安排\n首先，强化学习。其次，狠抓落实。再次，加强督查。\n"
    assert [i.title for i in parse_text(text2, year=2023).units[0].items] == ["强化学习", "狠抓落实", "加强督查"]
    text3 = "某局2023年下半年工作计划\n㈠加强学习。\n㈡狠抓落实。\n⒈建立台账。\n⒉定期调度。\n㈢加强督查。\n"
    [u] = parse_text(text3).units
    assert [tree(i) for i in u.items] == [["㈠", []], ["㈡", [["⒈", []], ["⒉", []]]], ["㈢", []]]
    text4 = "某局2023年下半年工作计划\n〈一〉加强学习。\n〈二〉狠抓落实。\n"
    assert [i.label for i in parse_text(text4).units[0].items] == ["〈一〉", "〈二〉"]


def test_half_width_labels_and_one_item_per_line():
    text = "某局2023年下半年工作计划\n(1)加强学习。\n(2)狠抓落实，建设3个示范点。\n1)建立台账。\n2)定期调度。\n"
    [u] = parse_text(text).units
    assert [tree(i) for i in u.items] == [["(1)", []], ["(2)", [["1)", []], ["2)", []]]]]
    assert u.items[1].targets[0].value == 3


def test_traditional_characters():
    text = ("某縣教育局2023年上半年工作總結和下半年工作計劃\n一、上半年工作總結\n新建幼兒園3所。\n"
            "二、下半年工作計劃\n（一）擴大學位供給。確保年底前新建學校4所。\n（二）加強師資建設。")
    [u] = parse_text(text).units
    assert u.name == "某縣教育局" and u.plan_heading == "二、下半年工作計劃"
    [t] = u.items[0].targets
    assert (t.value, t.unit, t.commitment, str(t.deadline)) == (4, "所", "确保", "2023-12-31")


def test_unlabeled_plan_heading_and_a_title_on_two_lines():
    text = ("某区司法局\n2023年上半年工作总结\n上半年办理案件120件。\n下一步工作打算\n"
            "1.加强普法宣传。开展活动不少于20场。\n2.推进法律援助。")
    [u] = parse_text(text).units
    assert u.name == "某区司法局"
    assert [i.label for i in u.items] == ["1.", "2."]
    assert u.items[0].targets[0].comparator == ">="


def test_plan_year_and_half_from_title_and_overrides():
    t = "某局2023年工作总结和2024年工作计划\n一、工作总结\n略。\n二、2024年工作计划\n1.抓落实。\n"
    [u] = parse_text(t).units
    assert (str(u.period_start), str(u.period_end)) == ("2024-01-01", "2024-12-31")
    [u] = parse_text(t, year=2030, half=1).units
    assert (str(u.period_start), str(u.period_end)) == ("2030-01-01", "2030-06-30")


def test_no_plan_section_gives_no_items():
    doc = parse_text("某县统计局2024年上半年工作总结\n上半年完成各项调查12项。\n一、主要成绩\n（一）调查有力。\n")
    assert all(not u.items for u in doc.units)


def test_heading_less_plan_paragraphs_become_items_when_nothing_is_numbered():
    text = "某局2023年上半年工作总结和下半年工作计划\n一、上半年工作\n略。\n二、下半年工作计划\n下半年，重点抓好项目建设，年底前完成投资2亿元。\n同时，抓好安全生产。\n"
    [u] = parse_text(text).units
    assert [i.label for i in u.items] == ["", ""]
    assert u.items[0].targets[0].kind == "amount"


def test_markdown_headings_and_bold():
    text = "# 某县水利局2024年下半年工作计划\n\n## 一、重点工作\n\n**1. 水库除险加固。**确保汛前完成3座小型水库除险加固。\n\n- 2. 农村供水保障。\n"
    [u] = parse_text(text).units
    assert u.name == "某县水利局" and u.plan_heading == "一、重点工作"
    assert [i.label for i in u.items] == ["1.", "2."]
    assert u.items[0].targets[0].value == 3


def test_unit_name_from_the_first_sentence_and_items_inside_an_intro():
    text = ("2023年上半年工作总结和下半年工作计划\n2023年上半年，县市场监督管理局坚持以人民为中心，扎实推进各项工作。\n"
            "一、上半年工作情况\n略。\n二、下半年工作打算\n"
            "下半年，我局将重点做好以下工作：一是加强食品安全监管，抽检不少于500批次；二是优化营商环境；三是加强特种设备监管。\n")
    [u] = parse_text(text).units
    assert u.name == "县市场监督管理局"
    assert [i.label for i in u.items] == ["一是", "二是", "三是"]
    assert u.items[0].targets[0].value == 500


def test_unit_name_from_the_signature_or_the_file_name():
    assert parse_text("2024年下半年工作计划\n1.做好防汛。\n2.抓好项目。\n某县水务局\n2024年7月1日\n").units[0].name == "某县水务局"
    doc = parse_text("2024年下半年工作计划\n1.做好防汛。\n", source="/x/某县林业局2024年下半年工作计划.txt")
    assert doc.units[0].name == "某县林业局"


def test_piece_markers_and_safeguard_sections():
    text = ("篇一：某县审计局2024年上半年工作总结和下半年工作计划\n一、上半年工作\n略。\n二、下半年工作计划\n"
            "（一）开展审计项目12个。\n三、保障措施\n（一）加强组织领导。\n"
            "篇二：某县统计局2024年下半年工作计划\n1.做好经济普查。\n")
    audit, stats = parse_text(text).units
    assert audit.name == "某县审计局" and [i.title for i in audit.items] == ["开展审计项目12个"]
    assert stats.name == "某县统计局" and [i.label for i in stats.items] == ["1."]


def test_markdown_task_table():
    text = ("# 某县交通运输局2024年下半年工作计划\n\n## 一、重点任务\n\n| 序号 | 工作任务 | 完成时限 | 责任股室 |\n"
            "| --- | --- | --- | --- |\n| 1 | 新改建农村公路50公里 | 11月底前 | 建设股 |\n| 2 | 完成危桥改造6座 | 12月底前 | 养护股 |\n")
    [u] = parse_text(text).units
    assert [i.label for i in u.items] == ["1、", "2、"]
    [t] = u.items[0].targets
    assert (t.value, t.unit, str(t.deadline)) == (50, "公里", "2024-11-30")
