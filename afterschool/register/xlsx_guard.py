"""Opening an uploaded .xlsx safely: what a workbook holds is decided by parsing it, within budgets,
before calamine reads a byte of it.

calamine (python-calamine) sizes a sheet's grid to its farthest non-empty cell and aborts the whole
process when that allocation fails: one cell at XFD1048576 in a 5 KB file asks for hundreds of gigabytes.
A pattern over the raw XML cannot know what calamine will see (attribute order, quoting, spacing,
namespace prefixes, cells and rows without a position), so every part calamine may read is

- inflated here by our own zlib stream, counting what actually comes out (not the size the zip header
  claims), checking its CRC and that it ends where the header says;
- parsed by expat (no DTD, so no entity expansion), placing every cell as calamine does: ``<c r>`` gives
  the position, a cell without ``r`` follows the one before it, a ``<row>`` without ``r`` follows the row
  before it; ``<dimension>`` is ignored, as calamine does not size its grid from it (a test checks
  that in a child process).

A cell beyond the roster's extent that holds a value refuses the file; an empty styled cell there holds
nothing and is let through. Budgets: unpacked bytes, bytes between two rows (one row's content), element
nesting, cells, shared strings, distinct element names, and time.

Each refusal is an ``XlsxRefused`` carrying a Chinese message for the school's admin.
"""

from __future__ import annotations

import io
import posixpath
import pyexpat
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

# What a roster workbook may unpack to. A 20,000-student roster written by openpyxl unpacks to 16 MB (30,000
# rows, inline strings); Excel's shared strings make it smaller. 50,000 rows (the import's limit) fit.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# Bytes of XML between two rows (or two shared strings): one row's content. Excel's longest cell is
# 32,767 characters; a row of roster cells is a few hundred bytes.
MAX_RUN_BYTES = 1024 * 1024
MAX_DEPTH = 64  # a worksheet nests about 10 deep
MAX_CELLS = 2_000_000  # 50,000 rows of 40 cells
MAX_ROW_ELEMENTS = 1_100_000  # Excel may write every formatted row, up to its 1,048,576
MAX_SHARED_STRINGS = 1_000_000
MAX_ELEMENT_NAMES = 500  # distinct element and attribute names in one part
MAX_MEMBERS = 2_000
TIME_BUDGET_SECONDS = 20.0

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CHUNK = 256 * 1024
_XML_SUFFIXES = (".xml", ".rels")
# calamine reads the workbook from here; other layouts (a workbook part elsewhere, .xlsb, .ods) are refused
# rather than guessed at, since calamine would fall back to its other readers.
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_FOREIGN_MARKERS = ("xl/workbook.bin", "content.xml")
_SHEET_TYPES = (
    "/worksheet",
    "/chartsheet",
    "/dialogsheet",
    "/macrosheet",
    "/xlMacrosheet",
    "/xlIntlMacrosheet",
)
MAX_RELS_BYTES = 1024 * 1024

_CELL, _ROW, _SI, _CONTENT, _OTHER = range(5)
_C, _ROW_NAME, _V, _T, _IS, _F = "c", "row", "v", "t", "is", "f"
# By local name, as calamine matches them: ``<x:c>`` is a cell whatever its prefix or namespace.
_LOCAL_KINDS = {
    "c": _CELL,
    "row": _ROW,
    "si": _SI,
    "v": _CONTENT,
    "f": _CONTENT,
    "is": _CONTENT,
    "t": _CONTENT,
}


class XlsxRefused(ValueError):
    """The workbook cannot be read safely, or is not one; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class XlsxReport:
    """What the inspection found: for the benchmark's figures and the logs."""

    parts: int = 0
    unpacked_bytes: int = 0
    cells: int = 0
    shared_strings: int = 0
    seconds: float = 0.0


def column_name(index: int) -> str:
    """0 → ``A``, 63 → ``BL``, 16383 → ``XFD``."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(letters: str) -> int | None:
    """``A`` → 0, ``xfd`` → 16383 (calamine accepts either case); None when it is not a column."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        return None
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1 if index <= 16384 else None


def _row_number(text: str) -> int | None:
    """A row reference (``"1"`` to ``"1048576"``) as an int; None when it is not one."""
    if not 1 <= len(text) <= 7 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= 1_048_576 else None


def _cell_position(ref: str) -> tuple[int, int] | None:
    """``"B5"`` → (4, 1), 0-based (row, column); None when the reference is malformed."""
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    column = _column_index(ref[: len(ref) - len(digits)])
    row = _row_number(digits)
    if column is None or row is None:
        return None
    return row - 1, column


def _damaged(detail: str = "") -> XlsxRefused:
    message = _("文件已损坏，无法读取。请在 Excel 或 WPS 中打开后重新保存为 .xlsx 再上传。")
    return XlsxRefused(f"{message}（{detail}）" if detail else message)


def _not_xlsx() -> XlsxRefused:
    return XlsxRefused(
        _("文件不是有效的 .xlsx 工作簿。请确认它是用 Excel 或 WPS 保存的 .xlsx 文件。")
    )


def _too_large() -> XlsxRefused:
    return XlsxRefused(
        _("工作簿解压后过大（超过 {limit} MB），无法导入。请只保留名册工作表后再上传。").format(
            limit=MAX_UNPACKED_BYTES // (1024 * 1024)
        )
    )


class _Budget:
    """Counts across the whole workbook: unpacked bytes, cells, shared strings, and the clock."""

    def __init__(self):
        self.unpacked = 0
        self.cells = 0
        self.shared_strings = 0
        self.deadline = time.monotonic() + TIME_BUDGET_SECONDS

    def spend(self, n: int) -> None:
        self.unpacked += n
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise _too_large()
        if time.monotonic() > self.deadline:
            raise XlsxRefused(_("读取工作簿超时，文件内容过于复杂。请只保留名册工作表后再上传。"))


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: _Budget, sink=None) -> None:
    """Decompress one member from its raw bytes, counting what comes out against the budget, feeding
    ``sink`` chunk by chunk; the output must be exactly the size and CRC the zip records."""
    if info.flag_bits & 0x41:
        raise XlsxRefused(_("工作簿已加密，无法读取。请取消密码后重新保存再上传。"))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged(_("不支持的压缩方式"))
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise _damaged(_("文件不完整"))
    magic, *_fields, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    start = offset + _LOCAL_HEADER.size
    local_name = data[start : start + name_length]
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if magic != _ZIP_MAGIC or local_name.decode(encoding, "replace") != info.orig_filename:
        raise _damaged(_("压缩包目录与内容不符"))
    start += name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) < info.compress_size:
        raise _damaged(_("文件不完整"))
    produced, crc = 0, 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    try:
        for i in range(0, len(raw), _CHUNK):
            pending = raw[i : i + _CHUNK]
            while pending:
                if inflater is None:
                    out, pending = bytes(pending), b""
                else:
                    out = inflater.decompress(pending, _CHUNK)
                    pending = inflater.unconsumed_tail
                produced += len(out)
                if produced > info.file_size:
                    raise _damaged(_("解压后的大小与记录不符"))
                budget.spend(len(out))
                crc = zlib.crc32(out, crc)
                if sink is not None:
                    sink(out)
                if inflater is not None and inflater.eof:
                    break
            if inflater is not None and inflater.eof:
                break  # what follows the end of the stream is never read
    except zlib.error:
        raise _damaged(_("压缩数据有误")) from None
    if (inflater is not None and not inflater.eof) or produced != info.file_size:
        raise _damaged(_("文件不完整"))
    if crc != info.CRC:
        raise _damaged(_("校验失败"))


class _PartParser:
    """expat over one XML part, fed chunk by chunk, placing cells as calamine does, within budgets.

    The start handler runs for every element of every sheet (300,000 cells of a 20,000-student roster), so
    it does as little as it can: a cell written as column letters + its row's reference is a dictionary
    lookup; anything else (no ``r``, another row, far away, a prefix) takes the slow way. End events are
    only counted (by a C method), except inside a far cell, whose extent must be known exactly. Where
    calamine's placement could differ (a cell inside a cell, a cell between rows), the guard's column is
    never behind calamine's and its row at most one behind.
    """

    def __init__(self, part: str, budget: _Budget, *, max_row: int, max_column: int):
        self.part = part
        self.budget = budget
        self.fed = 0
        self.ended = 0
        # expat interns names in this dict; seeded so that names arrive as these very objects.
        self.names = names = {n: n for n in (_C, _ROW_NAME, _V, _T, _IS, _F)}
        parser = self.parser = pyexpat.ParserCreate(intern=names)
        parser.ordered_attributes = True
        parser.StartDoctypeDeclHandler = self._no_dtd
        parser.EntityDeclHandler = self._no_dtd
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.ends = ends = []
        ends_append = ends.append
        parser.EndElementHandler = ends_append
        self.counts = counts = {}
        kinds: dict[str, int] = {}
        near = {column_name(i): i for i in range(max_column)}
        C, ROW, CONTENTS = _C, _ROW_NAME, frozenset((_V, _T, _IS, _F))
        last = 0  # byte index of the last start of a row, a shared string or another structure
        pending = None  # the far cell being read, until its end: it must hold no value
        far_depth = 0
        row_text = None  # the current row's reference, while that row lies within the extent
        cut = 0
        cur_row, next_row, column = 0, 0, -1
        cells = rows = strings = others = contents = 0

        def kind_of(name):
            kind = kinds.get(name)
            if kind is None:
                if len(kinds) >= MAX_ELEMENT_NAMES:
                    raise _damaged(_("元素种类过多"))
                kind = kinds[name] = _LOCAL_KINDS.get(name.rpartition(":")[2], _OTHER)
            return kind

        def reference(attrs):
            for i in range(0, len(attrs), 2):
                if attrs[i] == "r":
                    return attrs[i + 1]
            return None

        def start(name, attrs):
            # The hot path: no far cell is open (``far_start`` takes over while one is).
            nonlocal cells, contents, column
            if name in CONTENTS:
                contents += 1
                return None
            if name is C:
                cells += 1
                try:
                    if attrs[0] == "r":
                        ref = attrs[1]
                        if ref[cut:] == row_text:  # never true in a far row, whose row_text is None
                            found = near[ref[:cut]]
                            if found > column:
                                column = found
                            return None
                except (IndexError, KeyError):
                    pass  # no attributes, or a column beyond the extent
                return cell(attrs)
            if name is ROW:
                return row(attrs)
            return other(name, attrs)

        def far_start(name, attrs):
            # Inside a cell beyond the extent: any value in it refuses the file.
            nonlocal far_depth, others
            far_depth += 1
            others += 1
            kind = kind_of(name)
            if kind is _CONTENT:
                raise XlsxRefused(
                    _(
                        "工作表在名册范围之外（{rows} 行、{cols} 列以外，如单元格 {cell}）有内容。"
                        "请删除多余内容后再上传。"
                    ).format(rows=max_row, cols=max_column, cell=pending[:12])
                )
            if kind is _CELL or kind is _ROW:
                raise _damaged(_("单元格中嵌套了单元格或行"))

        def other(name, attrs):
            nonlocal cells, strings, others, contents, last
            kind = kind_of(name)
            if kind is _CONTENT:
                contents += 1
                return None
            if kind is _CELL:
                cells += 1
                return cell(attrs)
            if kind is _ROW:
                return row(attrs)
            last = parser.CurrentByteIndex
            if kind is _SI:
                strings += 1
            else:
                others += 1
            return None

        def row(attrs):
            nonlocal rows, last, cur_row, next_row, column, row_text, cut
            rows += 1
            last = parser.CurrentByteIndex
            ref = attrs[1] if attrs and attrs[0] == "r" else reference(attrs)
            if ref is None:
                cur_row = next_row
            else:
                number = _row_number(ref)
                if number is None:
                    raise _damaged(_("行号“{ref}”无效").format(ref=ref[:12]))
                cur_row = number - 1
            next_row = cur_row + 1
            column = -1
            # The cells of this row written as letters + this reference are checked by lookup.
            row_text = ref if ref is not None and cur_row < max_row else None
            cut = -len(ref) if row_text is not None else 0

        def cell(attrs):
            # A cell without a position, or far, or in a far row, or written otherwise: the slow way.
            nonlocal column, pending, far_depth
            ref = reference(attrs)
            if ref is None:
                row, column = cur_row, column + 1
            else:
                position = _cell_position(ref)
                if position is None:
                    raise _damaged(_("单元格位置“{ref}”无效").format(ref=ref[:12]))
                row, col = position
                if col > column or row != cur_row:
                    column = col
            if row >= max_row or column >= max_column:
                pending = ref or f"{column_name(min(column, 16383))}{row + 1}"
                far_depth = 1
                parser.StartElementHandler = far_start
                parser.EndElementHandler = far_end

        def far_end(name):
            nonlocal far_depth, pending
            ends_append(name)
            far_depth -= 1
            if not far_depth:
                pending = None
                parser.StartElementHandler = start
                parser.EndElementHandler = ends_append

        def sync():
            counts.update(
                cells=cells,
                rows=rows,
                strings=strings,
                starts=cells + rows + strings + others + contents,
                last=last,
            )

        parser.StartElementHandler = start
        self.sync = sync

    def _no_dtd(self, *args):
        raise _damaged(_("包含不允许的 DTD 声明"))

    def _check(self) -> None:
        self.sync()
        counts = self.counts
        self.ended += len(self.ends)
        self.ends.clear()
        if self.fed - counts["last"] > MAX_RUN_BYTES:
            raise XlsxRefused(
                _(
                    "工作表中有一行（或一个单元格）的内容过长（超过 {limit} KB），"
                    "请检查是否粘贴了大段文字。"
                ).format(limit=MAX_RUN_BYTES // 1024)
            )
        if counts["starts"] - self.ended > MAX_DEPTH:
            raise _damaged(_("元素嵌套过深"))
        if len(self.names) > MAX_ELEMENT_NAMES:
            raise _damaged(_("元素种类过多"))
        if counts["rows"] > MAX_ROW_ELEMENTS:
            raise XlsxRefused(_("工作表的行数过多，请只保留名册内容后再上传。"))
        budget = self.budget
        if budget.cells + counts["cells"] > MAX_CELLS:
            raise XlsxRefused(_("工作簿的单元格过多，请只保留名册内容后再上传。"))
        if budget.shared_strings + counts["strings"] > MAX_SHARED_STRINGS:
            raise XlsxRefused(_("工作簿中的文字条目过多，请只保留名册内容后再上传。"))

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except pyexpat.ExpatError as e:
            raise self._malformed(e) from None
        self.fed += len(chunk)
        self._check()

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except pyexpat.ExpatError as e:
            raise self._malformed(e) from None
        self._check()
        self.budget.cells += self.counts["cells"]
        self.budget.shared_strings += self.counts["strings"]

    def _malformed(self, error) -> XlsxRefused:
        return _damaged(
            _("{part} 不是有效的 XML：第 {line} 行").format(
                part=self.part[-40:], line=getattr(error, "lineno", "?")
            )
        )


class _RelsReader:
    """The relationships of one ``.rels`` part: (type, target) of the internal ones."""

    def __init__(self):
        self.relationships: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    def read(self) -> list[tuple[str, str]]:
        parser = pyexpat.ParserCreate()
        parser.StartDoctypeDeclHandler = _RelsReader._no_dtd
        parser.EntityDeclHandler = _RelsReader._no_dtd

        def start(name, attrs):
            if name.rpartition(":")[2] == "Relationship" and attrs.get("TargetMode") != "External":
                self.relationships.append((attrs.get("Type", ""), attrs.get("Target", "")))

        parser.StartElementHandler = start
        try:
            parser.Parse(b"".join(self.chunks), True)
        except pyexpat.ExpatError:
            raise _damaged(_("关系文件不是有效的 XML")) from None
        return self.relationships

    @staticmethod
    def _no_dtd(*args):
        raise _damaged(_("包含不允许的 DTD 声明"))


def _targets(target: str, base: str) -> set[str]:
    """The member names a relationship target may mean to calamine (resolved, or taken as written)."""
    written = target.lstrip("/") if target.startswith("/") else f"{base}/{target}"
    return {written, posixpath.normpath(written).lstrip("/"), target.lstrip("/")}


def xlsx_inspect(data: bytes, *, max_row: int, max_column: int) -> XlsxReport:
    """Refuse (``XlsxRefused``) a workbook calamine cannot read safely; report what it holds.

    ``max_row`` (1-based, inclusive) and ``max_column`` (a count) bound where a cell may hold a value.
    """
    started = time.perf_counter()
    if data.startswith(_OLE_MAGIC):
        raise XlsxRefused(
            _(
                "这是旧版 .xls 文件或设置了密码的工作簿，无法读取。请在 Excel 或 WPS 中"
                "“另存为” .xlsx 格式（不设密码）后再上传。"
            )
        )
    if not data.startswith(_ZIP_MAGIC):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise XlsxRefused(
            _(
                "文件不是有效的 .xlsx 工作簿，可能已损坏或不完整（例如上传时中断了）。"
                "请在 Excel 或 WPS 中重新保存为 .xlsx 后再上传。"
            )
        ) from None
    if len(infos) > MAX_MEMBERS:
        raise _damaged(_("压缩包中的文件过多"))
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _damaged(_("压缩包中有重名的文件"))
    by_name = {i.filename: i for i in infos}
    if "[Content_Types].xml" not in by_name or WORKBOOK not in by_name:
        raise _not_xlsx()
    if any(marker in by_name for marker in _FOREIGN_MARKERS):
        raise _not_xlsx()
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise _too_large()

    budget = _Budget()
    report = XlsxReport()
    done: set[str] = set()

    def relationships(name: str) -> list[tuple[str, str]]:
        info = by_name.get(name)
        if info is None:
            raise _not_xlsx()
        if info.file_size > MAX_RELS_BYTES:
            raise _damaged(_("关系文件过大"))
        reader = _RelsReader()
        _inflate(data, info, budget, reader.feed)
        done.add(name)
        return reader.read()

    # The package must name xl/workbook.xml as its workbook, as Excel, WPS and openpyxl write it.
    documents = [
        _targets(target, "")
        for kind, target in relationships("_rels/.rels")
        if kind.endswith("/officeDocument")
    ]
    if len(documents) != 1 or WORKBOOK not in documents[0]:
        raise _not_xlsx()
    # Where calamine looks for sheets: by relationship type, or (older versions) by a target in a
    # worksheets folder. Those parts are parsed whatever they are called.
    sheet_like = set()
    for kind, target in relationships(WORKBOOK_RELS):
        if kind.endswith(_SHEET_TYPES) or "worksheets/" in target:
            sheet_like |= _targets(target, "xl")

    for info in infos:
        name = info.filename
        if name in done:
            continue
        xml = (
            name.lower().endswith(_XML_SUFFIXES)
            or name.startswith("xl/worksheets/")
            or name in sheet_like
        )
        if not xml:
            # calamine never opens it (an image, printer settings): counted, not unpacked.
            budget.spend(info.file_size)
            continue
        part = _PartParser(name, budget, max_row=max_row, max_column=max_column)
        _inflate(data, info, budget, part.feed)
        part.close()
        report.parts += 1
    report.unpacked_bytes = budget.unpacked
    report.cells = budget.cells
    report.shared_strings = budget.shared_strings
    report.seconds = time.perf_counter() - started
    return report
