"""The roster pages: unreadable files named in Chinese, the preview's lists, every bad row at once."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from afterschool.register.models import Homeroom, Student
from afterschool.register.views.roster import SESSION_KEY
from tests.factories import (
    GuardianFactory,
    GuardianshipFactory,
    SchoolFactory,
    StudentFactory,
    school_admin,
)
from tests.register.roster_files import row, student_rows, xlsx_bytes, xlsx_file
from tests.register.roster_files import write_file as _write

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():

    return SchoolFactory()


@pytest.fixture
def admin_client(client, school):
    client.force_login(school_admin(school))
    return client


def url(name, school):
    return reverse(f"school:{name}", kwargs={"school_pk": school.pk})


def upload(client, school, file, dry_run=True):
    data = {"file": file}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(url("roster-import", school), data)


# --- A file that cannot be read: a Chinese message naming it, wherever it is uploaded ----------------


def _bad_crc_workbook() -> bytes:
    from tests.register.roster_files.hostile import HEADER, good_rows, sheet, workbook

    data = workbook(sheet(HEADER + good_rows(1)), stored=True)
    i = data.index(b"G0001")
    return data[:i] + b"X" + data[i + 1 :]


def test_a_damaged_workbook_on_the_page_is_a_message_naming_the_file(admin_client, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = upload(admin_client, school, SimpleUploadedFile("坏名册.xlsx", _bad_crc_workbook()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "“坏名册.xlsx”：" in page and "校验失败" in page
    assert "确认导入" not in page and not Student.objects.exists()


def test_a_damaged_workbook_in_the_admin_is_a_message_naming_the_file(superuser_client, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {
            "school": school.pk,
            "format": "0",
            "import_file": SimpleUploadedFile("坏名册.xlsx", _bad_crc_workbook()),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“坏名册.xlsx”：" in page and "校验失败" in page
    assert not Student.objects.exists()


def test_a_file_the_admin_reader_refuses_is_named_in_chinese(superuser_client, school, monkeypatch):
    # given a file the guard passes but the reader then fails on
    import python_calamine

    class Broken:
        @classmethod
        def from_filelike(cls, filelike):
            raise python_calamine.CalamineError("boom")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Broken)
    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {"school": school.pk, "format": "0", "import_file": xlsx_file([row()], name="名册.xlsx")},
    )
    page = response.content.decode()
    assert "“名册.xlsx”：无法打开该 Excel 工作簿" in page
    assert "encountered while trying to read file" not in page


def test_a_damaged_workbook_in_the_command_is_a_message_naming_the_file(tmp_path, school, capsys):
    path = _write(tmp_path, "坏名册.xlsx", _bad_crc_workbook())
    with pytest.raises(CommandError, match="发现 1 处错误"):
        call_command("import_roster", path, "--school", school.code)
    err = capsys.readouterr().err
    assert "“坏名册.xlsx”：" in err and "校验失败" in err


def test_a_file_the_command_cannot_open_is_a_message_naming_it(tmp_path, school, monkeypatch):
    from afterschool.management.commands import import_roster

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(import_roster, "open", refuse, raising=False)
    path = _write(tmp_path, "名册.xlsx", xlsx_bytes([row()]))
    with pytest.raises(CommandError, match="“名册.xlsx”：无法读取文件（Permission denied）"):
        call_command("import_roster", path, "--school", school.code)


# --- The preview lists who is added, changed, and who may no longer pick up --------------------------


def test_the_preview_lists_who_is_added_changed_and_who_loses_pickup(admin_client, school):
    # given a student whose father may pick up
    student = StudentFactory(school=school, student_no="G0001", name="张小明")
    father = GuardianFactory(name="张伟", mobile="13800138000", for_student=student)
    GuardianshipFactory(student=student, guardian=father, relation="father", may_pick_up=True)
    # when the roster withdraws his permission, and brings a new student with a mother
    rows = [
        row(学籍号="G0001", 可接送="否"),
        row(
            学籍号="G0002",
            姓名="李小红",
            性别="女",
            班级="三年级(3)班",
            监护人姓名="王芳",
            监护人手机="13900000002",
            关系="母亲",
        ),
    ]
    page = upload(admin_client, school, xlsx_file(rows)).content.decode()
    # then the withdrawal stands out, above everything else
    withdrawn = page.split('id="roster-withdrawn"')[1].split("</table>")[0]
    assert "学生 G0001 与监护人 张伟" in withdrawn and "可接送“是”改为“否”" in withdrawn
    assert '<tr class="table-danger">' in page.split('id="roster-changes"')[1]
    # and the new student and the new guardian link are listed
    added = page.split('id="roster-students-added"')[1].split("</table>")[0]
    assert "G0002" in added and "李小红" in added and "三年级（3）班" in added
    links = page.split('id="roster-links-added"')[1].split("</table>")[0]
    assert "王芳" in links and "139****0002" in links and "母亲" in links
    assert "13900000002" not in page


def test_a_large_preview_shows_200_of_each_list_and_the_full_counts(admin_client, school):
    page = upload(admin_client, school, xlsx_file(student_rows(250))).content.decode()
    added = page.split('id="roster-students-added"')[1].split("</table>")[0]
    assert added.count("<tr>") == 201  # the header and 200 students
    assert "还有 50 名，共新增 250 名。" in page
    assert 'id="count-students-new">250<' in page
    links = page.split('id="roster-links-added"')[1].split("</table>")[0]
    assert links.count("<tr>") == 201
    assert "还有 175 条未列出。" in page  # 375 links


def test_confirm_is_refused_when_the_students_to_add_changed_though_the_counts_did_not(
    admin_client, school
):
    # given a preview adding G0001 while G0002 exists unchanged
    headers = ["学籍号", "姓名", "性别", "班级"]
    rows = [["G0001", "甲", "男", "三年级(1)班"], ["G0002", "乙", "女", "三年级(1)班"]]
    from django.core.files.uploadedfile import SimpleUploadedFile

    def file():
        return SimpleUploadedFile("r.xlsx", xlsx_bytes(rows, headers=headers))

    upload(admin_client, school, file(), dry_run=False)
    Student.objects.filter(student_no="G0001").delete()
    page = upload(admin_client, school, file()).content.decode()
    assert 'id="count-students-new">1<' in page and 'id="count-students-unchanged">1<' in page
    token = admin_client.session[SESSION_KEY][str(school.pk)]["token"]
    # when, before the confirm, G0001 is back and G0002 gone: the same counts, another plan
    Student.objects.filter(student_no="G0002").delete()
    StudentFactory(
        school=school,
        student_no="G0001",
        name="甲",
        gender="M",
        homeroom=Homeroom.objects.get(school=school),
    )
    response = admin_client.post(url("roster-import-confirm", school), {"token": token})
    # then nothing is written and the new preview is shown
    assert response.status_code == 200
    assert "预览之后名册已有变动" in response.content.decode()
    assert not Student.objects.filter(student_no="G0002").exists()


# --- Every bad row at once, and a page that stays small ----------------------------------------------


def test_a_repeated_student_no_is_listed_with_the_other_errors_in_one_pass(admin_client, school):
    rows = [
        row(学籍号="G0001"),
        row(学籍号="G0002", 性别="?"),
        row(学籍号="G0001", 姓名="张晓明"),  # the same 学籍号 as row 2, another name
    ]
    page = upload(admin_client, school, xlsx_file(rows)).content.decode()
    assert 'id="count-errors">2<' in page
    assert "无法识别“?”" in page
    assert "与第 2 行的学籍号相同（G0001）" in page


def test_a_file_bad_on_every_row_shows_200_errors_and_counts_the_rest(admin_client, school):
    rows = [row(学籍号=f"G{i:04d}", 性别="?" * 150, 关系="邻居") for i in range(1, 1501)]
    response = upload(admin_client, school, xlsx_file(rows))
    page = response.content.decode()
    assert 'id="count-errors">3000<' in page
    errors = page.split('id="roster-errors"')[1].split("</table>")[0]
    assert errors.count("<tr>") == 201
    assert "还有 2800 处错误未列出" in page
    assert len(response.content) < 150_000


def test_admin_confirm_of_an_upload_gone_from_storage_is_a_message_not_a_500(
    superuser_client, school
):
    from afterschool.register.views.roster import RosterUploadStorage

    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {"school": school.pk, "format": "0", "import_file": xlsx_file(student_rows(2))},
    )
    confirm = response.context["confirm_form"]
    data = {k: confirm.initial[k] for k in confirm.initial}
    RosterUploadStorage(name=data["import_file_name"]).remove()
    response = superuser_client.post(reverse("admin:afterschool_student_process_import"), data)
    assert response.status_code == 302
    assert response.url == reverse("admin:afterschool_student_import")
    assert not Student.objects.exists()
