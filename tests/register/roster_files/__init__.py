"""Building roster files for the tests: XLSX and CSV in the import's columns."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from afterschool.register.roster import COLUMNS

DEFAULTS = {
    "学籍号": "G110101201601010011",
    "姓名": "张小明",
    "性别": "男",
    "年级": "三年级",
    "班级": "三年级(2)班",
    "监护人姓名": "张伟",
    "监护人手机": "13800138000",
    "关系": "父亲",
    "可接送": "是",
    "优先类别": "",
}


def row(**values) -> list:
    """A row in ``COLUMNS`` order; keyword names are the Chinese headers."""
    data = {**DEFAULTS, **values}
    return [data[c] for c in COLUMNS]


def student_rows(n: int, *, start: int = 1, grade: int = 3, rooms: int = 4) -> list[list]:
    """``n`` students, each with a mother; every second one with a father too."""
    rows = []
    for i in range(start, start + n):
        base = {
            "学籍号": f"G{i:018d}",
            "姓名": f"学生{i}",
            "性别": "男" if i % 2 else "女",
            "年级": "",
            "班级": f"{grade}.{i % rooms + 1}",
        }
        rows.append(
            row(**base, 监护人姓名=f"母亲{i}", 监护人手机=f"139{i:08d}", 关系="母亲", 可接送="是")
        )
        if i % 2 == 0:
            rows.append(
                row(
                    **base,
                    监护人姓名=f"父亲{i}",
                    监护人手机=f"137{i:08d}",
                    关系="父亲",
                    可接送="否",
                )
            )
    return rows


def xlsx_bytes(rows, headers=COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for r in rows:
        sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows, headers=COLUMNS, name="roster.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, headers))


def csv_file(rows, headers=COLUMNS, encoding="utf-8", name="roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, headers, encoding))


def write_file(tmp_path, name: str, data: bytes) -> str:
    """A file on disk (for the ``import_roster`` command), its path as a string."""
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)
