"""Writes examples/plans/清河县2025年重点工作任务分解表.xlsx, the bundled example task list.

A county 督查室's breakdown of the 政府工作报告 as offices draw it up: a title row merged over
the table, a two-row header (责任单位 merged over 牵头单位 | 配合单位), category rows merged
across, node deadlines in the time column, and one task spread over two rows with its 序号 and
工作任务 cells merged. Run: .venv/bin/python examples/make_task_list.py
"""

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

OUT = Path(__file__).resolve().parent / "plans" / "清河县2025年重点工作任务分解表.xlsx"

ROWS = [
    ("一、稳增长扩投资",),
    (1, "推进重点项目建设", "全年实施县级重点项目120个，完成固定资产投资85亿元以上", "县发展和改革局",
     "县财政局、县自然资源局、县住房和城乡建设局", "李建国", "3月底前印发项目清单，12月底前完成年度投资"),
    (2, "抓好招商引资", "引进亿元以上产业项目不少于15个，实际到位内资40亿元", "县商务局", "县投资促进中心",
     "李建国", "2025年12月31日"),
    (3, "优化营商环境", "企业开办时间压缩至1个工作日以内，政务服务事项网上可办率达到98%", "县行政审批服务局",
     "县市场监督管理局、县数据局", "周文", "6月底前"),
    ("二、办好民生实事",),
    (4, "老旧小区改造", "改造老旧小区15个，惠及居民3200户", "县住房和城乡建设局", "县财政局\n各街道办事处",
     "王强", "4月底前完成方案，10月底前完成改造"),
    (5, "新建公办幼儿园", "新建公办幼儿园3所，新增学位900个", "县教育体育局", "县住房和城乡建设局", "孙红",
     "8月底前"),
    (6, "稳定和扩大就业", "城镇新增就业2600人，城镇登记失业率控制在4.5%以内", "县人力资源和社会保障局", "",
     "孙红", "长期坚持，12月底前完成年度目标"),
    (7, "提升基层医疗服务能力", "新建村卫生室标准化建设12个", "县卫生健康局", "各乡镇人民政府", "赵丽", "9月底前"),
    (7, "提升基层医疗服务能力", "家庭医生签约服务覆盖率达到75%", "县卫生健康局", "县医疗保障局", "赵丽", "11月底前"),
    ("三、守牢安全底线",),
    (8, "安全生产专项整治", "开展安全生产执法检查不少于200次，生产安全事故起数下降10%", "县应急管理局",
     "县公安局、县交通运输局", "刘勇", "每季度末报送进展，12月底前完成"),
    (9, "防汛抗旱", "5月底前完成病险水库除险加固3座", "县水利局", "县应急管理局", "刘勇", "5月底前"),
]


def main() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点任务"
    ws.append(["清河县2025年政府工作报告重点工作任务分解表"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "重点任务", "具体内容", "责任单位", None, "县级责任领导", "完成时限"])
    ws.append([None, None, None, "牵头单位", "配合单位", None, None])
    for col in "ABCFG":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    first_of: dict[object, int] = {}
    for row in ROWS:
        ws.append(list(row))
        r = ws.max_row
        if len(row) == 1:
            ws.merge_cells(f"A{r}:G{r}")
            ws.cell(r, 1).font = Font(bold=True)
        elif row[0] in first_of:  # the same task over two rows: 序号 and 重点任务 merged
            top = first_of[row[0]]
            ws.cell(r, 1).value = ws.cell(r, 2).value = None
            ws.merge_cells(f"A{top}:A{r}")
            ws.merge_cells(f"B{top}:B{r}")
        else:
            first_of[row[0]] = r
    thin = Side(style="thin")
    for line in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=7):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    for col, width in zip("ABCDEFG", (6, 20, 44, 20, 28, 12, 26), strict=True):
        ws.column_dimensions[col].width = width
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wb.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
