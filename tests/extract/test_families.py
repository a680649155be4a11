"""The document families that the plan extractor serves, each from sentences written for it.

One test (or a few) per family named in the plan-import issue: documents with no plan heading,
the wrong section, wrappers and site chrome, numbering styles, target word orders, figures
that are not targets, and subjects.
"""

from __future__ import annotations

from datetime import date

from tracker.extract import parse_text
from tracker.extract.targets import extract_targets

H2 = (date(2025, 7, 1), date(2025, 12, 31))


def flat(items):
    for i in items:
        yield i
        yield from flat(i.children)


def all_items(doc):
    return [i for u in doc.units for i in flat(u.items)]


def values(text):
    return [(t.kind, t.value, t.unit) for t in extract_targets(text, *H2)]


# -- 1. no recognised plan heading ------------------------------------------------------------

def test_livelihood_progress_table_each_numbered_line_is_a_commitment():
    text = ("某县2025年民生实事项目进展情况\n"
            "一、城镇老旧小区改造\n2025年全县计划改造老旧小区36个，截至6月底，已开工12个，占任务数的33.3%。\n"
            "二、新建幼儿园\n计划新建公办幼儿园3所，目前已完成主体工程2所，预计10月底前投入使用。\n")
    doc = parse_text(text)
    [u] = doc.units
    assert [i.label for i in u.items] == ["一、", "二、"]
    got = [(t.kind, t.value) for i in u.items for t in i.targets]
    assert ("count", 36) in got and ("count", 3) in got
    assert ("count", 12) not in got and ("percent", 33.3) not in got  # progress, not commitments
    assert any(t.kind == "deadline" and str(t.date) == "2025-10-31" for t in u.items[1].targets)
    assert "进展" in u.reason and u.warnings


def test_news_report_of_a_meeting_takes_the_enumerated_tasks_only():
    text = ("市交通局召开上半年工作总结会\n7月10日上午，市交通局召开上半年工作总结会，局领导班子成员参加了会议。\n"
            "会议指出，上半年全市交通运输工作取得了较好成绩。会议要求，下半年要重点做好以下工作：一是确保年底前建成农村公路"
            "120公里；二是加快推进客运站改造；三是力争完成交通投资15亿元。\n")
    items = all_items(parse_text(text))
    assert [i.label for i in items] == ["一是", "二是", "三是"]
    assert [(t.kind, t.value) for t in items[0].targets][:1] == [("count", 120)]
    assert not any("召开" in i.text for i in items)


def test_problem_lists_are_not_tasks_when_nothing_is_headed():
    text = ("县农业农村局工作情况\n一年来，我局各项工作取得了一定成绩，但也存在一些不足，主要表现在：一是项目推进偏慢；"
            "二是资金保障不足。\n下一步，我局将重点做好以下工作：\n（一）抓好粮食生产。确保粮食播种面积稳定在52万亩以上。\n"
            "（二）推进高标准农田建设。年底前新建高标准农田3万亩。\n")
    items = all_items(parse_text(text))
    assert [i.label for i in items] == ["（一）", "（二）"]
    assert not any("项目推进偏慢" in i.text for i in items)


def test_assessment_rules_table_exported_with_pipes_gives_one_task_per_row():
    text = ("某县2025年度河长制工作考核细则\n序号 | 考核项目 | 分值 | 考核指标 | 责任单位\n"
            "一、 | 巩固成果，提升工作实效 | 30 |  | \n"
            "1 | 完善组织体系 | 5 | 9月底前完成村级河长调整并向社会公布。 | 县河长办\n"
            "2 | 推进河道保洁 | 10 | 全年开展河道清理不少于12次。 | 县水利局\n")
    items = all_items(parse_text(text))
    titles = [i.title for i in items]
    assert any("完善组织体系" in t for t in titles) and any("推进河道保洁" in t for t in titles)
    row = next(i for i in items if "推进河道保洁" in i.title)
    assert [(t.kind, t.value, t.comparator) for t in row.targets] == [("count", 12, ">=")]
    assert not any(t.value == 5 for i in items for t in i.targets)  # the points column


def test_work_report_plan_part_main_targets_and_lead_paragraphs():
    text = ("某市2025年政府工作报告\n一、2024年工作回顾\n过去一年，全市地区生产总值增长5.8%，完成固定资产投资420亿元。\n"
            "二、2025年重点工作\n主要预期目标是：地区生产总值增长6%左右；城乡居民人均可支配收入增长6%以上；城镇调查失业率控制在5.5%以内。\n"
            "（一）坚持项目为王，扩大有效投资。\n全力推进重大项目建设。年内新开工亿元以上项目60个，完成固定资产投资450亿元以上，"
            "确保重点项目早开工早见效。\n加快产业园区提档升级。新建标准化厂房20万平方米，力争新入园企业30家以上，推动园区产值突破300亿元。\n")
    [u] = parse_text(text).units
    assert u.plan_heading == "二、2025年重点工作"
    goals = u.items[0]
    got = {(t.kind, t.value, t.comparator) for t in goals.targets}
    assert {("percent", 6, "="), ("percent", 6, ">="), ("percent", 5.5, "<=")} <= got
    assert next(t for t in goals.targets if t.value == 6 and t.comparator == "=").approx
    area = u.items[1]
    assert [c.title for c in area.children] == ["全力推进重大项目建设", "加快产业园区提档升级"]
    assert not any(t.value == 5.8 for i in flat(u.items) for t in i.targets)  # the review part


# -- 3. wrappers and chrome ----------------------------------------------------------------------

def test_wrapper_of_an_issued_plan_and_portal_chrome_do_not_become_units_or_items():
    text = ("首页 > 政务公开 > 通知公告\n某县人民政府办公室关于印发某县2025年优化营商环境工作要点的通知\n"
            "某政办发〔2025〕12号\n各乡镇人民政府，县直各单位：\n现将《某县2025年优化营商环境工作要点》印发给你们，请认真贯彻执行。\n"
            "某县人民政府办公室\n2025年3月1日\n（此件公开发布）\n某县2025年优化营商环境工作要点\n"
            "一、提升政务服务效能。年底前实现高频事项“一网通办”率达到95%以上。\n二、降低企业成本。\n"
            "发布日期：2025-03-02\n扫一扫在手机打开当前页\n打印本页  关闭窗口\n")
    doc = parse_text(text)
    [u] = doc.units
    assert u.name == "某县"
    assert [i.label for i in u.items] == ["一、", "二、"]
    assert "扫一扫" not in u.items[-1].text and "发布日期" not in u.items[-1].text
    assert doc.wrapper and "印发" in doc.wrapper


def test_one_document_with_sub_titles_stays_one_unit():
    text = ("某中学2025年度工作要点\n一、加强党建引领。\n二、提高教学质量。力争一段上线率达到85%以上。\n"
            "附件：制定并实施2025年度重点工作计划清单\n1.规范会议管理。寒假前完成。\n")
    doc = parse_text(text)
    assert [u.name for u in doc.units] == ["某中学"]


def test_page_markers_of_sharing_sites_are_removed_inside_lines():
    text = "某镇2025年下半年工作计划\n一、抓好项目建设。第2页共8页年底前建成农贸市场1个。\n二、抓好环境整治。\n"
    [item, _] = parse_text(text).units[0].items
    assert "页" not in item.text and [t.value for t in item.targets] == [1]


def test_forum_chrome_is_dropped():
    text = ("某街道2025年下半年工作计划\n楼主\n发表于 2025-07-02 10:11\n一、做好社区服务。\n二、抓好安全生产。\n回复\n2楼\n")
    [u] = parse_text(text).units
    assert [i.label for i in u.items] == ["一、", "二、"]
    assert not any("发表于" in i.text or "回复" in i.text for i in u.items)


# -- 4. numbering styles -------------------------------------------------------------------------

def test_bullets_and_lost_bullets_are_items():
    text = ("某区2025年下半年工作重点\n一、推动经济发展\n● 力争在建项目投资不低于500亿元\n● 加快发展数字经济\n"
            "二、改善民生\n? 新增城镇就业1.2万人\n? 新建养老服务中心3个\n")
    [u] = parse_text(text).units
    assert [[c.label for c in i.children] for i in u.items] == [["●", "●"], ["?", "?"]]
    assert [(t.kind, t.value) for t in u.items[0].children[0].targets] == [("amount", 500)]


def test_sequence_words_with_shi():
    text = ("某县农业局下半年工作计划\n首先坚守耕地红线；其次是确保粮食播种面积达到58万亩以上；再次是抓好高产创建，"
            "力争小麦亩产达到620公斤；最后是做好秋粮收储。\n")
    items = all_items(parse_text(text))
    assert [i.label for i in items][:3] == ["首先", "其次是", "再次是"]
    assert ("count", 620, "公斤") in [(t.kind, t.value, t.unit) for t in items[2].targets]


def test_run_together_numbering_after_a_title_in_one_paragraph():
    text = ("2025年街道下半年工作计划 下半年，街道将紧盯目标任务。一、抓好社区治理，完善网格化管理体系。"
            "二、优化营商环境，新增市场主体200户。三、守牢安全底线，开展隐患排查不少于4次。")
    items = all_items(parse_text(text))
    assert [i.label for i in items] == ["一、", "二、", "三、"]
    assert [t.value for t in items[1].targets] == [200]


def test_heading_and_first_item_in_one_paragraph():
    text = "某局2025年上半年工作总结和下半年工作计划\n一、上半年工作总结\n略。\n二、下半年工作计划（一）抓好项目建设。年底前完成投资3亿元。（二）抓好队伍建设。\n"
    [u] = parse_text(text).units
    assert [i.label for i in u.items] == ["（一）", "（二）"]


def test_traditional_characters_fold_for_matching_and_keep_their_spelling():
    text = "某縣2025年下半年工作計劃\n一、著力推動項目建設。確保年底前新開工項目20個。\n二、強化民生保障。\n"
    [u] = parse_text(text).units
    assert [i.label for i in u.items] == ["一、", "二、"]
    assert u.items[0].text.startswith("著力推動項目建設")
    assert [(t.value, t.commitment) for t in u.items[0].targets] == [(20, "确保")]  # the vocabulary is simplified


# -- 5. targets without a measure word or in other word orders -----------------------------------

def test_targets_in_other_word_orders():
    assert values("综合指数达到90") == [("count", 90, None)]
    assert values("人均预期寿命达80岁") == [("count", 80, "岁")]
    assert values("参保人数达50万以上") == [("count", 50, "万")]
    assert values("粮食单产达到500公斤") == [("count", 500, "公斤")]
    assert values("城乡居民收入增长5%以上") == [("percent", 5, "%")]
    [t] = extract_targets("城镇化率提高到60%左右", *H2)
    assert (t.value, t.approx) == (60, True)
    [t] = extract_targets("80%的村卫生室达到标准化建设要求", *H2)
    assert (t.value, t.subject) == (80, "村卫生室")


def test_deadlines_in_other_word_orders():
    for text, due in (("到2025年底前完成全部改造", "2025-12-31"), ("11月底以前完成验收", "2025-11-30"),
                      ("9月底取得明显成效", "2025-09-30")):
        [t] = extract_targets(text, *H2)
        assert (t.kind, str(t.date)) == ("deadline", due), text


def test_bare_figure_of_a_progress_table():
    [t] = extract_targets("2025年全市计划改造老旧小区440，截至6月底已开工129", *H2)
    assert (t.kind, t.value, t.unit, t.commitment) == ("count", 440, None, "计划")
    assert t.unsure


# -- 6. over-extraction ----------------------------------------------------------------------------

def test_names_budgets_splits_and_backgrounds_are_not_targets():
    assert values("全面落实市委20条措施和十堰26条具体措施") == []
    assert values("推动投资105亿元的化工园区项目开工") == []
    assert values("该工程总投资800万元") == []
    assert values("该滑坡体出现长度在100米左右的裂缝，严重威胁46户191人生命财产安全，潜在经济损失1800万元") == []
    assert values("计划新造林15000亩，其中油茶5755亩，毛竹3380亩") == [("count", 15000, "亩")]
    assert values("9月底前招聘教师120名，其中音体美教师不少于30名") == [("count", 120, "名"), ("count", 30, "名")]
    assert values("产业开发有五项：") == []
    assert values("已开工的小区129个，占任务数的28.86%") == []


# -- 7. subjects ---------------------------------------------------------------------------------

def test_subjects_name_what_is_counted():
    [t] = extract_targets("创建2个市级“三名”工程", *H2)
    assert t.subject == "市级“三名”工程"
    [t] = extract_targets("引进省级人才10名", *H2)
    assert t.subject == "省级人才"
    [t] = extract_targets("年底前建设14家社康机构", *H2)
    assert t.subject == "社康机构"


# -- reasons and review marks ------------------------------------------------------------------

def test_parse_result_says_which_sections_were_taken_and_why():
    text = ("某局2025年上半年工作总结和下半年工作计划\n一、上半年工作总结\n上半年完成投资2亿元。\n二、下半年工作计划\n"
            "（一）抓好项目建设。年底前完成投资3亿元。\n")
    data = parse_text(text).to_dict()
    [u] = data["units"]
    kinds = {(s["heading"], s["kind"], s["taken"]) for s in u["sections"]}
    assert ("一、上半年工作总结", "summary", False) in kinds and ("二、下半年工作计划", "plan", True) in kinds
    assert "二、下半年工作计划" in u["reason"]
    assert u["items"][0]["unsure"] == [] and "unsure" in u["items"][0]["targets"][0]


def test_a_summary_only_document_gives_no_items_and_says_so():
    text = "某局2025年上半年工作总结\n一、上半年工作总结\n（一）扎实推进了项目建设。完成投资2亿元。\n"
    [u] = parse_text(text).units
    assert u.items == [] and any("没有找到计划条目" in w for w in u.warnings)
    assert "完成投资2亿元" in u.summary_text


# -- 2. the right section of a work report ------------------------------------------------------

WORK_REPORT = """政府工作报告
——2026年1月20日在某市第六届人民代表大会第五次会议上
一、2025年工作回顾
过去一年，全市地区生产总值增长5.6%。
二、“十五五”时期的主要目标和重点任务
主要目标：
一是聚焦经济建设这一中心工作，推动经济实现质的有效提升。二是坚持高质量发展这一首要任务。
三、2026年工作安排
今年经济社会发展主要预期目标是：地区生产总值增长5.5%左右，城镇调查失业率控制在5.5%以内。
（一）扩大有效投资。
全力抓好项目建设。新开工亿元以上项目120个以上，完成投资800亿元。
附件
2026年市十件民生实事
一、新增公办幼儿园学位5000个。
二、完成老旧小区改造150个。
"""


def test_work_report_takes_this_years_plan_and_its_livelihood_annex_not_the_five_year_chapter():
    [u] = parse_text(WORK_REPORT).units
    assert u.name == "某市人民政府"
    texts = [i.text for i in flat(u.items)]
    assert not any("聚焦经济建设这一中心工作" in t for t in texts)  # principles of the five-year chapter
    assert any(t.startswith("今年经济社会发展主要预期目标") for t in texts)
    annex = [i for i in u.items if i.label in ("一、", "二、")]
    assert [[(t.value, t.unit) for t in i.targets] for i in annex] == [[(5000, "个")], [(150, "个")]]
    taken = {s.heading for s in u.sections if s.taken}
    assert "2026年市十件民生实事" in taken and "二、“十五五”时期的主要目标和重点任务" not in taken


# -- more families: speeches, 实施方案 goals, school terms --------------------------------------------

def test_speech_points_are_items():
    text = ("在全县下半年工作推进会上的讲话\n同志们：\n下面，我讲几点意见。\n第一，要紧盯目标抓落实。确保全年地区生产总值增长6.5%以上。\n"
            "第二，要聚焦项目抓投资。全年新开工项目不少于50个。\n第三，要守牢底线抓安全。\n")
    items = all_items(parse_text(text))
    assert [i.label.rstrip("，,") for i in items] == ["第一", "第二", "第三"]
    assert [(t.value, t.comparator) for t in items[1].targets] == [(50, ">=")]


def test_implementation_plan_goal_section_is_an_item_and_safeguards_are_not():
    text = ("某县2024年农村人居环境整治提升实施方案\n一、工作目标\n到2024年底，全县农村卫生厕所普及率达到90%以上。\n"
            "二、重点任务\n（一）推进农村厕所革命。年内新改建户厕3000户。\n三、保障措施\n（一）加强组织领导。\n")
    [u] = parse_text(text).units
    assert [(i.label, i.title) for i in u.items] == [("一、", "工作目标"), ("（一）", "推进农村厕所革命")]
    assert [(t.value, t.comparator) for t in u.items[0].targets] == [(90, ">=")]


def test_school_year_plan_split_by_term():
    text = ("某小学2024学年工作思路\n第一学期\n1.开展新生入学教育。9月底前完成。\n2.组织秋季运动会。\n"
            "第二学期\n1.举办科技节，4月底前完成。\n")
    [u] = parse_text(text).units
    assert (str(u.period_start), str(u.period_end)) == ("2024-09-01", "2025-08-31")
    assert [(i.label, len(i.children)) for i in u.items] == [("第一学期", 2), ("第二学期", 1)]
    assert str(u.items[0].children[0].targets[0].date) == "2024-09-30"
    assert str(u.items[1].children[0].targets[0].date) == "2025-04-30"


def test_progress_table_with_a_goal_column_and_a_progress_column():
    text = ("某县2024年民生实事项目推进情况表\n序号 | 项目名称 | 年度目标 | 进展情况 | 责任单位\n"
            "1 | 新建公办幼儿园 | 新建公办幼儿园3所，新增学位900个 | 已完成主体工程2所 | 县教育局\n"
            "2 | 农村公路提档升级 | 完成农村公路提档升级120公里 | 完成85公里，占年度任务的70.8% | 县交通运输局\n")
    [u] = parse_text(text).units
    assert u.name == "某县"
    assert [[(t.value, t.unit) for t in i.targets] for i in u.items] == [[(3, "所"), (900, "个")], [(120, "公里")]]
