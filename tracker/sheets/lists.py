"""Which plan files are tables, and what their rows give a task beyond the prose fields.

``parse_sheet_file`` answers for .xlsx/.csv/.json and for .docx files that are task tables; it
returns None for a prose document (the prose extractor reads it). ``apply_item_units`` is called
by the plan import for every item: the lead unit becomes the task's unit, the assisting units its
``task_unit`` links, and the table's owner and deadline its fields.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tracker import store
from tracker.db import Connection
from tracker.errors import InputError
from tracker.extract.model import Document

_NOT_A_LIST = ("未识别到任务清单的表头：表格需要有“工作任务”（或“具体内容”“重点任务”等）列，以及“牵头单位”“责任单位”"
               "“完成时限”“序号”等列中的至少一列；表头可以在标题行之下")


def parse_sheet_file(p: Path, year: int | None = None, half: int | None = None) -> Document | None:
    """The plan a table file holds; None when the file is a prose document."""
    from tracker.sheets import files
    from tracker.sheets.tables import table_document

    suffix = p.suffix.lower()
    if suffix == ".json":
        from tracker.sheets.review import read_json

        return read_json(p)
    if suffix in (".xls", ".et"):
        files.check_xlsx(p)
    if suffix in (".xlsx", ".xlsm"):
        wb = files.load_workbook(p)
        meta = files.workbook_meta(wb)
        if meta.get("kind") == "form":
            raise InputError(f"{p.name} 是填报表，不是计划：请用 tracker form import {p.name} 导入进展")
        if meta.get("kind") == "review":
            from tracker.sheets.review import read_review

            return read_review(wb, p.name)
        doc = table_document(files.xlsx_tables(wb), source=str(p), file_title=p.stem, year=year, half=half)
        if doc is None:
            raise InputError(f"{p.name}：{_NOT_A_LIST}")
        return doc
    if suffix == ".csv":
        doc = table_document(files.csv_tables(p), source=str(p), file_title=p.stem, year=year, half=half)
        if doc is None:
            raise InputError(f"{p.name}：{_NOT_A_LIST}")
        return doc
    if suffix == ".docx" and p.is_file() and p.stat().st_size <= files.MAX_BYTES:
        import zipfile

        if not zipfile.is_zipfile(p):
            return None  # the prose reader gives the message
        tables, paragraphs, first = files.docx_tables(p)
        if not tables or paragraphs > 3:
            return None  # a prose plan (perhaps with tables in it): the prose reader reads both
        return table_document(tables, source=str(p), file_title=first or p.stem, year=year, half=half)
    return None


def apply_item_units(c: Connection, item: Any, plan_unit_id: int, now: Any) -> tuple[int, list[int]]:
    """(lead unit id, assisting unit ids) of an item, units created as needed."""
    lead = getattr(item, "lead_unit", None)
    assisting = [a for a in getattr(item, "assisting_units", None) or [] if a and a != lead]
    names = [n for n in [lead, *assisting] if n]
    ids = store.unit_ids_by_name(c, names)
    for n in names:
        if n not in ids:
            ids[n] = store.insert_unit(c, n, now)
    lead_id = ids[lead] if lead else plan_unit_id
    return lead_id, [ids[a] for a in dict.fromkeys(assisting) if ids[a] != lead_id]


def table_fields(item: Any) -> dict[str, Any]:
    """The task fields a table row sets (owner, deadline); {} for a prose item."""
    if not hasattr(item, "lead_unit"):
        return {}
    d = getattr(item, "deadline", None)
    return {"owner": getattr(item, "owner", None) or getattr(item, "leader", None), "deadline": d.isoformat() if isinstance(d, date) else d}
