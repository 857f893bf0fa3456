"""The school admin's roster pages, the Django admin's import, and the import_roster command."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from afterschool.register.models import AuditEntry, Guardian, Homeroom, Student
from afterschool.register.roster import COLUMNS
from afterschool.register.services import student_update
from afterschool.register.views.roster import SESSION_KEY
from tests.factories import (
    GuardianFactory,
    GuardianshipFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
    bureau_staff,
    parent_of,
    school_admin,
    teacher,
)
from tests.register.roster_files import csv_bytes, row, student_rows, xlsx_bytes, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    from tests.factories import SchoolFactory

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


# --- Who may use the pages --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["roster-import", "roster-export", "roster-template-download"])
def test_pages_are_404_for_everyone_but_the_schools_admin(client, school, name):
    student = StudentFactory(school=school)
    outsiders = [
        school_admin(type(school).objects.create(district=school.district, name="别校", code="x1")),
        teacher(school),
        parent_of(student),
        bureau_staff(school.district),
        UserFactory(),
    ]
    for user in outsiders:
        client.force_login(user)
        assert client.get(url(name, school)).status_code == 404, user
        assert client.post(url(name, school), {}).status_code == 404, user
    client.logout()
    assert client.get(url(name, school)).status_code == 302  # to the login page


def test_bureau_staff_cannot_import_even_by_posting_a_file(client, school):
    client.force_login(bureau_staff(school.district))
    response = upload(client, school, xlsx_file([row()]), dry_run=False)
    assert response.status_code == 404
    assert not Student.objects.exists()


def test_confirm_is_404_for_another_schools_admin(client, school):
    other = type(school).objects.create(district=school.district, name="别校", code="x2")
    client.force_login(school_admin(other))
    assert client.post(url("roster-import-confirm", school), {"token": "x"}).status_code == 404


# --- Upload, preview, confirm -----------------------------------------------------------------------


def test_upload_page_renders_for_a_phone_with_template_and_export_links(admin_client, school):
    page = admin_client.get(url("roster-import", school)).content.decode()
    assert 'name="viewport"' in page
    assert url("roster-template-download", school) in page
    assert url("roster-export", school) in page
    assert 'name="dry_run"' in page and "checked" in page


def test_preview_then_confirm_imports_the_previewed_file(admin_client, school):
    # when the admin uploads (dry run by default)
    response = upload(admin_client, school, xlsx_file(student_rows(6)))
    # then a preview with counts and a confirm button, and nothing saved yet
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="count-students-new">6<' in page
    assert 'id="count-guardians-new">9<' in page
    assert 'id="count-errors">0<' in page
    assert "确认导入" in page
    assert not Student.objects.exists()
    token = admin_client.session[SESSION_KEY][str(school.pk)]["token"]
    assert token in page
    # when they confirm
    response = admin_client.post(url("roster-import-confirm", school), {"token": token})
    # then the previewed file is imported and the upload forgotten
    assert response.status_code == 302
    assert response.url == reverse("home:school-dashboard", kwargs={"school_pk": school.pk})
    assert Student.objects.filter(school=school).count() == 6
    assert str(school.pk) not in admin_client.session.get(SESSION_KEY, {})
    assert AuditEntry.objects.filter(action="register.roster_import", school=school).count() == 1


def test_confirm_with_a_wrong_token_or_twice_imports_nothing_more(admin_client, school):
    upload(admin_client, school, xlsx_file(student_rows(2)))
    token = admin_client.session[SESSION_KEY][str(school.pk)]["token"]
    response = admin_client.post(url("roster-import-confirm", school), {"token": "forged"})
    assert response.status_code == 302 and not Student.objects.exists()
    admin_client.post(url("roster-import-confirm", school), {"token": token})
    response = admin_client.post(url("roster-import-confirm", school), {"token": token})
    assert response.status_code == 302
    assert response.url == url("roster-import", school)
    assert Student.objects.count() == 2


def test_confirm_does_not_accept_a_client_supplied_path(admin_client, school):
    upload(admin_client, school, xlsx_file(student_rows(2)))
    response = admin_client.post(
        url("roster-import-confirm", school), {"token": "x", "name": "../../etc/passwd"}
    )
    assert response.status_code == 302 and not Student.objects.exists()


def test_bad_file_preview_lists_every_error_and_offers_no_confirm(admin_client, school):
    rows = [row(学籍号="G0001", 性别="?"), row(学籍号="G0002"), row(学籍号="G0003", 班级="甲班")]
    response = upload(admin_client, school, xlsx_file(rows))
    page = response.content.decode()
    assert 'id="count-errors">2<' in page
    assert '<div class="table-responsive">' in page  # wide tables scroll on a 360px phone
    assert "无法识别“?”" in page and "甲班" in page
    assert '<td class="text-nowrap">2</td>' in page and '<td class="text-nowrap">4</td>' in page
    assert "确认导入" not in page
    assert SESSION_KEY not in admin_client.session or not admin_client.session[SESSION_KEY]


def test_confirm_after_the_register_changed_writes_nothing_and_shows_the_new_preview(
    admin_client, school
):
    # given a preview renaming an existing student and adding another
    student = StudentFactory(school=school, student_no="G0001", name="旧名")
    rows = [row(学籍号="G0001", 姓名="新名"), row(学籍号="G0002", 监护人手机="13800000002")]
    upload(admin_client, school, xlsx_file(rows))
    first = admin_client.session[SESSION_KEY][str(school.pk)]
    # when a teacher renames the student, and then the admin confirms the old preview
    student_update(student=student, by=UserFactory(), name="别人改的名")
    response = admin_client.post(url("roster-import-confirm", school), {"token": first["token"]})
    # then nothing is written and the new preview is shown, with a new token to confirm it
    assert response.status_code == 200
    page = response.content.decode()
    assert "预览之后名册已有变动，请核对新的预览后再确认导入。" in page
    assert "姓名“别人改的名”改为“新名”" in page
    assert Student.objects.count() == 1
    assert Student.objects.get().name == "别人改的名"
    assert AuditEntry.objects.filter(action="register.roster_import").count() == 0
    second = admin_client.session[SESSION_KEY][str(school.pk)]
    assert second["token"] != first["token"] and second["fingerprint"] != first["fingerprint"]
    assert second["token"] in page and "确认导入" in page
    # and the old token no longer works, while confirming the new preview imports it
    response = admin_client.post(url("roster-import-confirm", school), {"token": first["token"]})
    assert response.status_code == 302 and Student.objects.count() == 1
    response = admin_client.post(url("roster-import-confirm", school), {"token": second["token"]})
    assert response.status_code == 302
    assert response.url == reverse("home:school-dashboard", kwargs={"school_pk": school.pk})
    assert Student.objects.get(student_no="G0001").name == "新名"
    assert Student.objects.count() == 2


def test_preview_notes_a_guardian_shared_with_another_school_without_naming_it(
    admin_client, school
):
    other_student = StudentFactory(
        name="别校孩子", school=SchoolFactory(district=school.district, name="本区别校")
    )
    GuardianshipFactory(
        student=other_student,
        guardian=GuardianFactory(name="别校写法", mobile="13812345678", for_student=other_student),
    )
    rows = [row(学籍号="G0001", 监护人姓名="本校写法", 监护人手机="13812345678")]
    page = upload(admin_client, school, xlsx_file(rows)).content.decode()
    assert 'id="roster-notes"' in page
    assert "手机号 138****5678 已登记在其他学校，姓名保持为“别校写法”" in page
    assert other_student.school.name not in page and "别校孩子" not in page
    assert 'id="count-errors">0<' in page and "确认导入" in page


def test_import_without_preview_saves_at_once(admin_client, school):
    response = upload(admin_client, school, xlsx_file(student_rows(3)), dry_run=False)
    assert response.status_code == 302
    assert Student.objects.count() == 3


def test_import_without_preview_of_a_bad_file_saves_nothing(admin_client, school):
    response = upload(admin_client, school, xlsx_file([row(性别="?")]), dry_run=False)
    assert response.status_code == 200
    assert "没有导入任何数据" in response.content.decode()
    assert not Student.objects.exists()


def test_gbk_csv_through_the_page(admin_client, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("名册.csv", csv_bytes([row(姓名="欧阳娜娜")], encoding="gbk"))
    upload(admin_client, school, file, dry_run=False)
    assert Student.objects.get().name == "欧阳娜娜"


def test_the_page_refuses_oversized_and_unknown_files(admin_client, school, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ROSTER_UPLOAD_MAX_BYTES = 500
    page = upload(admin_client, school, xlsx_file(student_rows(20))).content.decode()
    assert "文件过大" in page
    page = upload(admin_client, school, SimpleUploadedFile("a.pdf", b"%PDF")).content.decode()
    assert "只能导入 .xlsx 或 .csv 文件" in page


def test_a_fake_xlsx_is_refused_in_chinese(admin_client, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = upload(admin_client, school, SimpleUploadedFile("a.xlsx", b"MZ\x90\x00")).content
    assert "不是有效的 .xlsx 工作簿" in page.decode()
    assert not Student.objects.exists()


def test_preview_of_an_unchanged_file_says_nothing_will_change(admin_client, school):
    data = xlsx_bytes(student_rows(3))
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload(admin_client, school, SimpleUploadedFile("a.xlsx", data), dry_run=False)
    page = upload(admin_client, school, SimpleUploadedFile("a.xlsx", data)).content.decode()
    assert "导入不会改变任何数据" in page
    assert 'id="count-students-unchanged">3<' in page


# --- Export and template downloads ------------------------------------------------------------------


def test_export_download_is_an_xlsx_of_the_schools_roster(admin_client, school):
    StudentFactory(school=school, student_no="G0001")
    StudentFactory(student_no="G0002")  # another school
    response = admin_client.get(url("roster-export", school))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert [r[0] for r in rows[1:]] == ["G0001"]


def test_template_download(admin_client, school):
    response = admin_client.get(url("roster-template-download", school))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [s.title for s in book.worksheets] == ["名册", "填写说明"]


# --- Django admin -----------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_admin_import_previews_then_imports_into_the_chosen_school(superuser_client, school):
    import_url = reverse("admin:afterschool_student_import")
    page = superuser_client.get(import_url)
    assert page.status_code == 200 and "学校" in page.content.decode()
    # when the superuser uploads a roster for the school
    response = superuser_client.post(
        import_url,
        {"school": school.pk, "format": "0", "import_file": xlsx_file(student_rows(4))},
    )
    # then the preview offers to confirm, with the school carried along
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None and not Student.objects.exists()
    data = {k: confirm.initial[k] for k in confirm.initial}
    response = superuser_client.post(reverse("admin:afterschool_student_process_import"), data)
    assert response.status_code == 302
    assert Student.objects.filter(school=school).count() == 4
    assert Guardian.objects.count() == 6
    entry = AuditEntry.objects.get(action="register.roster_import")
    assert entry.school == school and entry.actor.is_superuser


def test_admin_import_shows_bad_rows_with_numbers_and_no_confirm(superuser_client, school):
    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {
            "school": school.pk,
            "format": "1",
            "import_file": _csv_upload([row(学籍号="G0001"), row(学籍号="G0002", 性别="?")]),
        },
    )
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    result = response.context["result"]
    assert [(r.number, list(r.error_dict)) for r in result.invalid_rows] == [(3, ["性别"])]
    assert "无法识别“?”" in response.content.decode()
    assert not Student.objects.exists()


def test_admin_import_refuses_a_fake_xlsx_and_a_mismatched_format(superuser_client, school):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {"school": school.pk, "format": "0", "import_file": SimpleUploadedFile("a.xlsx", b"x")},
    )
    assert "不是有效的 .xlsx 工作簿" in response.content.decode()
    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {"school": school.pk, "format": "1", "import_file": xlsx_file([row()])},
    )
    assert "所选格式与文件扩展名不符" in response.content.decode()
    assert not Student.objects.exists()


def test_admin_import_needs_a_school(superuser_client):
    response = superuser_client.post(
        reverse("admin:afterschool_student_import"),
        {"format": "0", "import_file": xlsx_file([row()])},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["school"]
    assert not Student.objects.exists()


def _csv_upload(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("r.csv", csv_bytes(rows, encoding="gb18030"))


# --- The command ------------------------------------------------------------------------------------


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_and_reports(tmp_path, school, capsys):
    path = _write(tmp_path, "r.xlsx", xlsx_bytes(student_rows(3)))
    call_command("import_roster", path, "--school", school.code)
    out = capsys.readouterr().out
    assert "已导入" in out and "新增学生 3 名" in out
    assert Student.objects.count() == 3
    assert AuditEntry.objects.get(action="register.roster_import").actor is None


def test_command_dry_run_saves_nothing(tmp_path, school, capsys):
    path = _write(tmp_path, "r.csv", csv_bytes(student_rows(3), encoding="gbk"))
    call_command("import_roster", path, "--school", school.code, "--dry-run")
    assert "试运行" in capsys.readouterr().out
    assert not Student.objects.exists()


def test_command_lists_every_bad_row_and_fails(tmp_path, school, capsys):
    rows = [row(学籍号="G0001", 性别="?"), row(学籍号="G0002"), row(学籍号="G0003", 监护人手机="1")]
    path = _write(tmp_path, "r.xlsx", xlsx_bytes(rows))
    with pytest.raises(CommandError, match="发现 2 处错误"):
        call_command("import_roster", path, "--school", school.code)
    err = capsys.readouterr().err
    assert "第 2 行「性别」" in err and "第 4 行「监护人手机」" in err
    assert not Student.objects.exists()


def test_command_exits_non_zero_as_manage_py_does(tmp_path, school, capsys):
    from afterschool.management.commands.import_roster import Command

    path = _write(tmp_path, "r.xlsx", b"not a workbook")
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "import_roster", path, "--school", school.code])
    assert exit_info.value.code == 1
    assert "不是有效的 .xlsx 工作簿" in capsys.readouterr().err


def test_command_records_the_user_when_given(tmp_path, school):
    user = school_admin(school)
    path = _write(tmp_path, "r.xlsx", xlsx_bytes([row()]))
    call_command("import_roster", path, "--school", school.code, "--user", user.username)
    assert AuditEntry.objects.get(action="register.roster_import").actor == user


def test_command_unknown_school_or_file(tmp_path, school):
    with pytest.raises(CommandError, match="没有代码为"):
        call_command("import_roster", "x.xlsx", "--school", "nope")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_roster", str(tmp_path / "missing.xlsx"), "--school", school.code)


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
