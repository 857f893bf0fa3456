"""Reading roster files: XLSX (checked by ``xlsx_guard``, read by calamine) and CSV (UTF-8 or GB18030)."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
from collections.abc import Iterable, Iterator

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from afterschool.register.normalize import (
    clean_text,
    excerpt,
)
from afterschool.register.roster.columns import (
    _EXTENT_MARGIN_ROWS,
    _HEADER_SCAN_ROWS,
    COLUMNS,
    HEADER_ALIASES,
    MAX_COLUMNS,
    MAX_ROWS,
    NAME,
    ROW_NUMBER,
    STUDENT_NO,
)
from afterschool.register.roster.results import RosterFileError
from afterschool.register.xlsx_guard import XlsxRefused, XlsxReport, xlsx_inspect

logger = logging.getLogger(__name__)

# --- Reading files ----------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _header_key(value) -> str:
    """A header cell as a lookup key: no spaces, no "*" or "(必填)" marks, aliases resolved."""
    text = clean_text(value).replace(" ", "")
    text = re.sub(r"[*＊]|\((必填|选填|可选|可不填)\)", "", text)
    return HEADER_ALIASES.get(text, text)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _dataset_from_rows(rows: Iterable[tuple[int, Iterable]]) -> tablib.Dataset:
    """Build the dataset from ``(row number, cells)``: find the header row, keep each row's number."""
    rows = iter(rows)
    headers, header_row = None, None
    scanned = []
    for number, cells in rows:
        cells = list(cells)
        if all(_blank(c) for c in cells):
            continue
        scanned.append((number, cells))
        keys = {_header_key(c) for c in cells if not _blank(c)}
        # A title row ("某某小学学生名册") may sit above the header: take the first row naming columns.
        if len(keys & set(COLUMNS)) >= 2:
            headers, header_row = cells, number
            break
        if len(scanned) >= _HEADER_SCAN_ROWS:
            break
    if headers is None:
        if not scanned:
            raise RosterFileError(_("文件中没有任何内容。"))
        # No recognisable header: take the first row, so the missing columns get named in the errors.
        header_row, headers = scanned[0]
        remaining = [(n, c) for n, c in scanned[1:]]
    else:
        remaining = [(n, c) for n, c in scanned if n > header_row]
    # Columns end at the last header: cells further right are ignored, never padded (a wide header
    # row and many short rows would otherwise multiply into gigabytes).
    last = max((i for i, h in enumerate(headers) if not _blank(h)), default=-1)
    if last >= MAX_COLUMNS:
        raise RosterFileError(
            _("列数过多：名册最多 {n} 列，请删除多余的列。").format(n=MAX_COLUMNS)
        )
    headers = headers[: last + 1]
    width = len(headers)
    kept = []
    keep = kept.append
    for number, cells in _chain(remaining, rows):
        # Cells under no header are ignored (trailing empty cells are common); short rows are padded.
        line = [number, *cells[:width]]
        if len(line) <= width:
            line += [None] * (width + 1 - len(line))
        for cell in line[1:]:
            if cell is not None and (cell.__class__ is not str or cell.strip()):
                break
        else:
            continue  # a blank row
        keep(line)
        if len(kept) > MAX_ROWS:
            raise RosterFileError(
                _("行数过多：一次最多导入 {n} 行，请分批导入。").format(n=MAX_ROWS)
            )
    # Built at once: appending row by row re-validates the whole row each time.
    return tablib.Dataset(*kept, headers=[ROW_NUMBER, *[clean_text(h) for h in headers]])


def _chain(first, rest) -> Iterator:
    yield from first
    yield from rest


def _check_xlsx(data: bytes) -> XlsxReport:
    """Refuse a workbook that calamine cannot open safely (``xlsx_guard``), before it opens it."""
    try:
        return xlsx_inspect(data, max_row=MAX_ROWS + _EXTENT_MARGIN_ROWS, max_column=MAX_COLUMNS)
    except XlsxRefused as e:
        raise RosterFileError(e.message) from None


def decode_csv(data: bytes | str) -> str:
    """CSV bytes as Chinese Excel and WPS save them: UTF-8 (with or without BOM), GB18030/GBK, UTF-16."""
    if isinstance(data, str):
        return data
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise RosterFileError(
            _("这是 Excel 工作簿，不是 CSV 文件。请上传 .xlsx 文件，或在 Excel 中“另存为” CSV。")
        )
    text = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode 文本" export: UTF-16 with a BOM, tab-separated.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or _CONTROL_CHARS.search(text):
        raise RosterFileError(
            _(
                "文件不是可读的 CSV 文本（可能是其他类型的文件被改了扩展名）。"
                "请用 Excel 或 WPS 另存为 CSV（UTF-8 或 GBK 编码）。"
            )
        )
    return text


class RosterXLSX(base_formats.XLSX):
    """django-import-export's XLSX, checked before it is opened, keeping each row's spreadsheet number.

    Reads the first sheet that has a roster header (the template's instructions sheet may be the active
    one), and accepts a title row above the header. Reading uses calamine (python-calamine), which reads a
    workbook more than ten times faster than openpyxl; openpyxl still writes the export and the template.
    """

    def create_dataset(self, in_stream):
        from python_calamine import CalamineWorkbook

        data = in_stream if isinstance(in_stream, bytes) else in_stream.read()
        _check_xlsx(data)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = [book.get_sheet_by_name(name) for name in book.sheet_names]
            if not sheets:
                raise RosterFileError(_("文件中没有任何内容。"))
            chosen = sheets[0]
            for sheet in sheets:
                head = sheet.to_python(skip_empty_area=False, nrows=_HEADER_SCAN_ROWS)
                keys = {_header_key(c) for row in head for c in row if not _blank(c)}
                if STUDENT_NO in keys and NAME in keys:
                    chosen = sheet
                    break
            # calamine gives "" for an empty cell where openpyxl gave None; the parser treats both
            # as blank.
            rows = chosen.to_python(skip_empty_area=False)
        except RosterFileError:
            raise
        except Exception as e:  # any failure of the reader means a file it cannot read
            logger.info("roster: unreadable xlsx: %r", e)
            raise RosterFileError(
                _("无法打开该 Excel 工作簿，文件可能已损坏。请在 Excel 中重新保存后再上传。")
            ) from None
        except BaseException as e:
            # A Rust panic inside calamine arrives as pyo3's PanicException, a BaseException.
            if type(e).__name__ != "PanicException":
                raise
            logger.warning("roster: calamine panicked on an upload: %r", e)
            raise RosterFileError(
                _("无法打开该 Excel 工作簿，文件可能已损坏。请在 Excel 中重新保存后再上传。")
            ) from None
        return _dataset_from_rows(enumerate(rows, 1))


class RosterCSV(base_formats.CSV):
    """django-import-export's CSV, decoded here (UTF-8 or GB18030) so its bytes are read as bytes."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_csv(in_stream)
        first_line = text.split("\n", 1)[0]
        delimiter = ","
        if "," not in first_line:
            if "\t" in first_line:
                delimiter = "\t"
            elif ";" in first_line:
                delimiter = ";"
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return _dataset_from_rows(enumerate(reader, 1))
        except csv.Error:
            # An unclosed quote, or a field longer than the csv module reads (128 KB).
            raise RosterFileError(
                _("CSV 文件第 {line} 行附近格式有误或内容过长，无法读取。").format(
                    line=reader.line_num
                )
            ) from None


ROSTER_FORMATS = {".xlsx": RosterXLSX, ".csv": RosterCSV}
# The formats offered in the admin's import form, in its order.
ADMIN_FORMATS = [RosterXLSX, RosterCSV]


def roster_format_for(file_name: str) -> type[base_formats.Format]:
    ext = os.path.splitext(file_name or "")[1].lower()
    if ext == ".xls":
        raise RosterFileError(
            _("不支持旧版 .xls 文件。请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传。")
        )
    if ext not in ROSTER_FORMATS:
        raise RosterFileError(_("只能导入 .xlsx 或 .csv 文件。"))
    return ROSTER_FORMATS[ext]


def roster_file_message(file_name: str, message: str) -> str:
    """A reason a file cannot be read, naming the file: “名册.xlsx”：…"""
    if not file_name:
        return message
    return _("“{name}”：{message}").format(name=excerpt(file_name, 60), message=message)


def roster_check_size(size: int | None) -> None:
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise RosterFileError(
            _("文件过大（{size}），上限为 {limit}。").format(
                size=_megabytes(size), limit=_megabytes(limit)
            )
        )


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def roster_sniff(file_name: str, data: bytes) -> None:
    """Refuse a file that is too large or is not what its extension claims, before parsing it."""
    fmt = roster_format_for(file_name)
    roster_check_size(len(data))
    if not data:
        raise RosterFileError(_("文件是空的。"))
    if fmt is RosterXLSX:
        _check_xlsx(data)
    else:
        decode_csv(data)


def roster_read(file) -> tablib.Dataset:
    """Read an uploaded or opened file (anything with ``name`` and ``read``) into a dataset."""
    name = os.path.basename(getattr(file, "name", "") or "")
    fmt = roster_format_for(name)
    roster_check_size(getattr(file, "size", None))
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    except (OSError, ValueError) as e:
        logger.info("roster: cannot read %r: %r", name, e)
        raise RosterFileError(_("无法读取文件，请重新上传。")) from None
    if isinstance(data, str):
        data = data.encode("utf-8")
    roster_check_size(len(data))
    if not data:
        raise RosterFileError(_("文件是空的。"))
    return fmt().create_dataset(data)
