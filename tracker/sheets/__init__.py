"""The office's spreadsheets: task lists read as plans, the review sheet, and 填报 forms.

``tables`` is pure: rows of cell values in, a plan ``Document`` out, headers recognised by what
they mean (工作任务 / 具体内容 / 牵头单位 / 配合单位 / 完成时限 …, as offices spell them).
``files`` reads .xlsx / .csv / .docx tables into rows; ``review`` writes and reads the review
sheet (and the JSON of ``plan parse``); ``forms`` exports and imports the 填报 forms. openpyxl
and python-docx load inside the functions that need them, never at import time.
"""
