"""Reading files: encodings detected from the bytes, .docx paragraphs and tables, clear errors."""

from __future__ import annotations

import zipfile

import pytest

from tracker.errors import InputError
from tracker.extract import parse_file, read_document

PLAN = "某县统计局2024年上半年工作总结和下半年工作计划\n一、上半年工作总结\n完成调查12项。\n二、下半年工作计划\n（一）做好经济普查。确保9月底前完成普查登记。\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b""),
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
])
def test_encodings_are_detected_not_guessed(tmp_path, encoding, bom):
    p = tmp_path / "plan.md"  # the extension says nothing about the encoding
    p.write_bytes(bom + PLAN.encode(encoding))
    assert read_document(p).strip() == PLAN.strip()


def test_docx_paragraphs_numbering_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("某县教育局2024年下半年工作计划")
    d.add_paragraph("一、重点工作")
    d.add_paragraph("（一）扩大学位供给。年底前新建学校4所。")
    table = d.add_table(rows=3, cols=4)
    for row, cells in zip(table.rows, [("序号", "工作任务", "完成时限", "责任单位"),
                                        ("1", "新增学位2000个以上", "12月底前", "基建科"),
                                        ("2", "招聘教师120名", "9月底前", "人事科")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    p = tmp_path / "plan.docx"
    d.save(str(p))
    text = read_document(p)
    assert "1、12月底前，新增学位2000个以上；责任单位：基建科。" in text
    [unit] = parse_file(p).units
    assert unit.name == "某县教育局"
    labels = [i.label for i in unit.items]
    assert labels == ["（一）"]
    rows = unit.items[0].children
    assert [r.label for r in rows] == ["1、", "2、"]
    assert [(t.kind, t.value, str(t.deadline)) for t in rows[1].targets] == [("count", 120, "2024-09-30")]


@pytest.mark.parametrize("name, data, words", [
    ("empty.txt", b"", "空"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "不支持"),
    ("binary.txt", bytes(range(256)) * 32, "不是文本"),
    ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, ".docx"),
    ("fake.docx", b"plain text pretending", "docx"),
])
def test_unreadable_files(tmp_path, name, data, words):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(InputError) as e:
        read_document(p)
    assert words in str(e.value)


def test_docx_that_is_a_zip_of_something_else(tmp_path):
    p = tmp_path / "x.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    with pytest.raises(InputError, match="Word"):
        read_document(p)


def test_no_plan_items_is_an_error(tmp_path):
    p = tmp_path / "summary.txt"
    p.write_text("某县统计局2024年上半年工作总结\n上半年完成各项调查12项。\n", encoding="utf-8")
    with pytest.raises(InputError, match="没有找到计划条目"):
        parse_file(p)
