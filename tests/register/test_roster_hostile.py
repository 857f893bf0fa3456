"""Hostile roster files: each is refused with a Chinese message naming the file, and none reaches calamine.

calamine aborts the whole process when a sheet claims a far cell, so the tests replace it with a stub that
records being called: a guard that let a hostile file through fails the test instead of killing pytest.
The files are built here (``roster_files.hostile``), never committed.
"""

import io
import os
import subprocess
import sys
import textwrap
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from afterschool.register.models import School, Student
from afterschool.register.roster import roster_import, roster_read
from tests.factories import SchoolFactory
from tests.register.roster_files import row, xlsx_bytes
from tests.register.roster_files.hostile import (
    HEADER,
    MAIN,
    good_rows,
    inline,
    patch_member,
    shared_strings,
    sheet,
    workbook,
)

pytestmark = pytest.mark.django_db

FAR = "名册范围之外"


@pytest.fixture
def school():
    return SchoolFactory(stage=School.Stage.PRIMARY)


@pytest.fixture
def calamine_calls(monkeypatch):
    """calamine replaced by a stub: the list of files it was asked to open (none, for a hostile file)."""
    import python_calamine

    calls = []

    class Stub:
        @classmethod
        def from_filelike(cls, filelike):
            calls.append(filelike)
            raise AssertionError("calamine was asked to open a hostile file")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Stub)
    return calls


def refused(school, data: bytes, name: str = "名册.xlsx"):
    """Import ``data`` as a preview; return the one error's message, checking it names the file."""
    result = roster_import(
        school=school, dataset_or_file=SimpleUploadedFile(name, data), dry_run=True
    )
    assert not result.ok and not result.saved
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    message = result.errors[0].message
    assert message.startswith(f"“{name}”："), message
    return message


# --- Item 1: a far cell, however it is written -------------------------------------------------------

FAR_SHEETS = {
    "t before r": sheet(HEADER + '<row r="2"><c t="n" r="XFD1048576"><v>1</v></c></row>'),
    "single quotes": sheet(HEADER + "<row r='2'><c r='XFD1048576'><v>1</v></c></row>"),
    "spaces and newlines in the tag": sheet(
        HEADER + '<row r="2"><c \n\t r = "XFD1048576"\n s="0" ><v>1</v></c></row>'
    ),
    "lower-case reference": sheet(HEADER + '<row r="2"><c r="xfd2"><v>1</v></c></row>'),
    "a far row, its cell without r": sheet(HEADER + '<row r="1048576"><c><v>1</v></c></row>'),
    "rows without r marching down": sheet(
        HEADER + "<row/>" * 51_000 + '<row><c r="A52002"><v>1</v></c></row>'
    ),
    "rows without r and cells without r": sheet(
        HEADER + "<row><c/></row>" * 51_000 + "<row><c><v>1</v></c></row>"
    ),
    "20,000 cells without r marching right": sheet(
        HEADER + '<row r="2">' + "<c><v>1</v></c>" * 20_000 + "</row>"
    ),
    "the value nested deeper in the far cell": sheet(
        HEADER + '<row r="2"><c r="XFD2"><extLst/><v>1</v></c></row>'
    ),
    "an inline string": sheet(
        HEADER + '<row r="2"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    ),
    "a formula": sheet(HEADER + '<row r="2"><c r="XFD2"><f>1+1</f></c></row>'),
    "a cell of a row written before the row": sheet(
        HEADER + '<row r="3"><c r="A1048576"><v>1</v></c></row>'
    ),
}


@pytest.mark.parametrize("xml", FAR_SHEETS.values(), ids=FAR_SHEETS.keys())
def test_a_far_cell_is_refused_however_its_tag_is_written(school, calamine_calls, xml):
    message = refused(school, workbook(xml))
    assert FAR in message
    assert calamine_calls == []


def test_a_far_cell_with_namespace_prefixes_is_refused(school, calamine_calls):
    xml = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>学籍号</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    assert FAR in refused(school, workbook(xml))
    assert calamine_calls == []


def test_a_far_cell_in_a_sheet_stored_under_an_unusual_name_is_refused(school, calamine_calls):
    # the workbook's relationships point at the sheet, wherever it is and whatever it is called
    xml = sheet(HEADER + '<row r="2"><c r="XFD2"><v>1</v></c></row>')
    data = workbook(xml, sheet_path="xl/worksheets/evil.bin")
    assert FAR in refused(school, data)
    data = workbook(xml, sheet_path="xl/data/evil.dat")
    assert FAR in refused(school, data)
    assert calamine_calls == []


def test_a_dimension_claiming_little_does_not_hide_a_far_cell(school, calamine_calls):
    xml = sheet(
        HEADER + '<row r="2"><c r="XFD2"><v>1</v></c></row>', head='<dimension ref="A1:B2"/>'
    )
    assert FAR in refused(school, workbook(xml))
    assert calamine_calls == []


def test_an_empty_styled_cell_far_away_holds_nothing_and_is_let_through(school):
    xml = sheet(HEADER + good_rows(1) + '<row r="60000"><c r="XFD60000" s="1"/></row>')
    result = roster_import(
        school=school, dataset_or_file=SimpleUploadedFile("r.xlsx", workbook(xml)), dry_run=True
    )
    assert result.ok, [str(e) for e in result.errors]
    assert result.students_new == 1


def test_a_lying_dimension_neither_sizes_calamines_grid_nor_stops_the_import(school, tmp_path):
    # given a small sheet whose <dimension> claims the whole of Excel's grid
    xml = sheet(HEADER + good_rows(2), head='<dimension ref="A1:XFD1048576"/>')
    data = workbook(xml)
    # then calamine, in a child process with 1 GB of address space, reads it without sizing a grid
    # from it (were it to, the child, not pytest, would abort)
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(data)
    child = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path({str(path)!r})
        sheet = book.get_sheet_by_index(0)
        print(sheet.height, sheet.width)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "10"]
    # and the import reads it as the three rows it holds
    result = roster_import(
        school=school, dataset_or_file=SimpleUploadedFile("r.xlsx", data), dry_run=True
    )
    assert result.ok and result.students_new == 2


def test_cells_and_rows_without_r_are_placed_where_calamine_places_them(school):
    # given rows and cells written without positions (some generators do), after a positioned row
    body = HEADER + "".join(
        "<row>" + "".join(f"<c t='inlineStr'><is><t>{v}</t></is></c>" for v in values) + "</row>"
        for values in (
            row(学籍号="G0001", 监护人手机="13800000001"),
            row(学籍号="G0002", 监护人手机="13800000002"),
        )
    )
    data = workbook(sheet(body))
    # then the guard lets it through and each value lands in its column, each row keeps its number
    dataset = roster_read(SimpleUploadedFile("r.xlsx", data))
    assert [r[0] for r in dataset] == [2, 3]
    assert [r[1] for r in dataset] == ["G0001", "G0002"]
    result = roster_import(
        school=school, dataset_or_file=SimpleUploadedFile("r.xlsx", data), dry_run=False
    )
    assert result.saved and Student.objects.count() == 2


def test_the_guard_places_cells_as_calamine_does_on_an_ordinary_workbook():
    from afterschool.register import xlsx_guard

    data = xlsx_bytes([row(), row(学籍号="G0002")])
    report = xlsx_guard.xlsx_inspect(data, max_row=51_000, max_column=64)
    assert report.cells == 30 and report.parts >= 4


# --- Item 2: caps on what is read, per file and per cell ---------------------------------------------


def _streamed_workbook(cell_bytes: int) -> bytes:
    """A workbook whose one shared string is ``cell_bytes`` long, written in chunks (small in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        plain = workbook(sheet(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'))
        with zipfile.ZipFile(io.BytesIO(plain)) as source:
            for info in source.infolist():
                if info.filename != "xl/sharedStrings.xml":
                    archive.writestr(info, source.read(info))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}"><si><t>'.encode())
            block = b"x" * (1 << 20)
            for _ in range(cell_bytes >> 20):
                part.write(block)
            part.write(b"</t></si></sst>")
    return out.getvalue()


def test_a_file_with_one_190_mb_cell_is_refused_by_the_unpacked_budget(school, calamine_calls):
    data = _streamed_workbook(190 << 20)
    assert len(data) < 400_000  # a few hundred KB on the wire
    message = refused(school, data)
    assert "解压后过大" in message
    assert calamine_calls == []


@pytest.mark.parametrize("where", ["shared string", "inline string"])
def test_a_cell_of_megabytes_within_the_budget_is_refused_before_it_is_read(
    school, calamine_calls, where
):
    text = "长" * 1_000_000  # 3 MB of UTF-8
    if where == "shared string":
        xml = sheet(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
        data = workbook(xml, shared=shared_strings(text))
    else:
        data = workbook(sheet(HEADER + f'<row r="2">{inline("A2", text)}</row>'))
    message = refused(school, data)
    assert "内容过长" in message and len(message) < 200
    assert calamine_calls == []


def test_too_many_shared_strings_are_refused(school, calamine_calls, monkeypatch):
    from afterschool.register import xlsx_guard

    monkeypatch.setattr(xlsx_guard, "MAX_SHARED_STRINGS", 1_000)
    xml = sheet(HEADER + good_rows(1))
    data = workbook(xml, shared=shared_strings(*(f"s{i}" for i in range(1_001))))
    assert "文字条目过多" in refused(school, data)
    assert calamine_calls == []


def test_the_budget_counts_what_is_inflated_not_what_the_header_claims(school, calamine_calls):
    # given a sheet whose zip entry claims 1,000 bytes (with the CRC of its first 1,000) but inflates
    # to 5 MB: zipfile would stop at 1,000 bytes, calamine's reader need not
    xml = sheet(HEADER + good_rows(1) + "<!--" + " " * (5 << 20) + "-->").encode()
    data = workbook(xml)
    data = patch_member(
        data, "xl/worksheets/sheet1.xml", file_size=1_000, crc=zlib.crc32(xml[:1_000])
    )
    message = refused(school, data)
    assert "解压后的大小与记录不符" in message
    assert calamine_calls == []


def test_a_long_value_is_named_by_row_and_column_and_shown_as_an_excerpt(school):
    rows = [row(学籍号="G0001"), row(学籍号="G0002", 姓名="很" * 300), row(性别="未" * 150)]
    result = roster_import(
        school=school,
        dataset_or_file=SimpleUploadedFile("r.xlsx", xlsx_bytes(rows)),
        dry_run=True,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名"), (4, "性别")]
    too_long, unknown = (e.message for e in result.errors)
    assert "内容过长（300 个字）" in too_long and "每格最多 200 个字" in too_long
    assert "很" * 20 + "…" in too_long and "很" * 21 not in too_long
    assert "未" * 20 + "…" in unknown and "未" * 21 not in unknown


# --- XML that is not what a worksheet is -------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize("part", ["sheet", "sharedStrings"])
def test_entity_expansion_is_refused(school, calamine_calls, part):
    declaration = '<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS
    if part == "sheet":
        xml = sheet(HEADER + f'<row r="2">{inline("A2", "x")}</row>', declaration=declaration)
        data = workbook(xml.replace(">x<", ">&lol9;<"))
    else:
        xml = sheet(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
        shared = f'{declaration}<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
        data = workbook(xml, shared=shared)
    assert "DTD" in refused(school, data)
    assert calamine_calls == []


def test_an_external_entity_is_refused(school, calamine_calls):
    declaration = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    xml = sheet(HEADER + f'<row r="2">{inline("A2", "&secret;")}</row>', declaration=declaration)
    assert "DTD" in refused(school, workbook(xml.replace("&amp;secret;", "&secret;")))
    assert calamine_calls == []


def test_deeply_nested_elements_are_refused(school, calamine_calls):
    xml = sheet(
        HEADER + '<row r="2"><c r="A2">' + "<x>" * 200_000 + "</x>" * 200_000 + "</c></row>"
    )
    assert "嵌套过深" in refused(school, workbook(xml))
    assert calamine_calls == []


def test_a_sheet_that_is_not_well_formed_xml_is_refused(school, calamine_calls):
    xml = sheet(HEADER + '<row r="2"><c r="A2"><v>1</v></row>')  # </c> missing
    assert "不是有效的 XML" in refused(school, workbook(xml))
    assert calamine_calls == []


def test_a_malformed_cell_reference_is_refused(school, calamine_calls):
    xml = sheet(HEADER + '<row r="2"><c r="A99999999999"><v>1</v></c></row>')
    assert "单元格位置" in refused(school, workbook(xml))
    assert calamine_calls == []


# --- Item 3: a damaged zip is a Chinese message naming the file, never a 500 --------------------------


def _bad_crc() -> bytes:
    data = workbook(sheet(HEADER + good_rows(1)), stored=True)
    i = data.index(b"G0001")
    return data[:i] + b"X" + data[i + 1 :]


DAMAGED = {
    "bad CRC": (_bad_crc, "校验失败"),
    "truncated": (lambda: workbook(sheet(HEADER + good_rows(20)))[:600], "不完整"),
    "encrypted member": (
        lambda: patch_member(workbook(sheet(HEADER)), "xl/worksheets/sheet1.xml", flag_bits=1),
        "已加密",
    ),
    "not a zip": (lambda: b"PK\x03\x04" + os.urandom(200), "不是有效的 .xlsx"),
    "an .xlsb inside": (
        lambda: workbook(sheet(HEADER), extra={"xl/workbook.bin": b"\0" * 10}),
        "不是有效的 .xlsx",
    ),
}


@pytest.mark.parametrize(("build", "fragment"), DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_workbook_is_a_chinese_message_naming_the_file(
    school, calamine_calls, build, fragment
):
    assert fragment in refused(school, build(), name="三年级名册.xlsx")
    assert calamine_calls == []


def test_an_unsupported_compression_is_refused(school, calamine_calls):
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook(sheet(HEADER)))) as source,
        zipfile.ZipFile(out, "w") as archive,
    ):
        for info in source.infolist():
            method = zipfile.ZIP_BZIP2 if "sheet1" in info.filename else zipfile.ZIP_DEFLATED
            archive.writestr(info.filename, source.read(info), compress_type=method)
    assert "压缩方式" in refused(school, out.getvalue())
    assert calamine_calls == []


def test_what_calamine_cannot_read_after_the_guard_is_a_message_not_a_500(school, monkeypatch):
    import python_calamine

    class Broken:
        @classmethod
        def from_filelike(cls, filelike):
            raise python_calamine.CalamineError("boom")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Broken)
    message = refused(school, xlsx_bytes([row()]))
    assert "无法打开该 Excel 工作簿" in message


# --- The admin's import and the command go through the same guard -----------------------------------


def test_the_admin_import_refuses_a_far_cell_before_calamine(client, school, calamine_calls):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = workbook(sheet(HEADER + "<row r='2'><c t='n' r='XFD1048576'><v>1</v></c></row>"))
    response = client.post(
        reverse("admin:afterschool_student_import"),
        {"school": school.pk, "format": "0", "import_file": SimpleUploadedFile("远.xlsx", data)},
    )
    assert response.status_code == 200
    assert "“远.xlsx”：" in response.content.decode() and FAR in response.content.decode()
    assert calamine_calls == [] and not Student.objects.exists()


def test_the_command_refuses_a_far_cell_before_calamine(tmp_path, school, calamine_calls, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "远.xlsx"
    path.write_bytes(
        workbook(sheet(HEADER + "<row r='2'><c t='n' r='XFD1048576'><v>1</v></c></row>"))
    )
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--school", school.code)
    err = capsys.readouterr().err
    assert "“远.xlsx”：" in err and FAR in err
    assert calamine_calls == []
