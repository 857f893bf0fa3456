"""Hostile .xlsx files, built by the tests from hand-written XML and zipfile: none is committed.

``workbook(sheet_xml)`` makes the smallest package calamine and the guard accept as a workbook (content
types, package and workbook relationships, one sheet, a shared strings part); ``patch_member`` then edits
what a member's zip headers claim (CRC, size, flags), as a damaged or crafted file would.
"""

import io
import struct
import zipfile
from xml.sax.saxutils import escape

from afterschool.register.roster import COLUMNS
from tests.register.roster_files import row

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def workbook_rels(sheet_target: str = "worksheets/sheet1.xml") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="{sheet_target}"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def column(index: int) -> str:
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def inline(ref: str, text) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(text))}</t></is></c>'


def roster_row(number: int, values: list) -> str:
    """One sheet row of the roster's columns, as inline strings with their positions."""
    cells = "".join(inline(f"{column(i)}{number}", v) for i, v in enumerate(values) if v != "")
    return f'<row r="{number}">{cells}</row>'


HEADER = roster_row(1, COLUMNS)


def good_rows(n: int = 1, start: int = 2) -> str:
    return "".join(
        roster_row(start + i, row(学籍号=f"G{i + 1:04d}", 监护人手机=f"138{i + 1:08d}"))
        for i in range(n)
    )


def sheet(body: str, *, head: str = "", declaration: str = "") -> str:
    """A worksheet part: ``head`` (a <dimension>, say) before sheetData, ``body`` its rows."""
    declaration = declaration or '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{declaration}<worksheet xmlns="{MAIN}">{head}<sheetData>{body}</sheetData></worksheet>'


def shared_strings(*items: str) -> str:
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{strings}</sst>'


def workbook(
    sheet_xml: str | bytes,
    *,
    shared: str | bytes | None = None,
    sheet_path: str = "xl/worksheets/sheet1.xml",
    stored: bool = False,
    extra: dict | None = None,
) -> bytes:
    """A package around one sheet. ``stored`` keeps members uncompressed (so a byte can be flipped)."""
    target = sheet_path.removeprefix("xl/")
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": workbook_rels(target),
        sheet_path: sheet_xml,
        "xl/sharedStrings.xml": shared if shared is not None else shared_strings(),
        **(extra or {}),
    }
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")


def patch_member(data: bytes, name: str, *, crc=None, file_size=None, flag_bits=None) -> bytes:
    """``data`` with the zip headers (central directory and local header) of ``name`` claiming other
    values than the member's real ones."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name)
    # Local header.
    fields = list(_LOCAL.unpack_from(data, info.header_offset))
    if flag_bits is not None:
        fields[2] = flag_bits
    if crc is not None:
        fields[6] = crc
    if file_size is not None:
        fields[8] = file_size
    _LOCAL.pack_into(data, info.header_offset, *fields)
    # Central directory entry.
    offset = 0
    while True:
        offset = data.index(b"PK\x01\x02", offset)
        fields = list(_CENTRAL.unpack_from(data, offset))
        start = offset + _CENTRAL.size
        if data[start : start + fields[10]].decode() == name:
            break
        offset += 4
    if flag_bits is not None:
        fields[3] = flag_bits
    if crc is not None:
        fields[7] = crc
    if file_size is not None:
        fields[9] = file_size
    _CENTRAL.pack_into(data, offset, *fields)
    return bytes(data)
