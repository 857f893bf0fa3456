"""The school admin's roster pages, the Django admin's import, and the import_roster command."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from afterschool.register.models import AuditEntry, Guardian, Student
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
from tests.register.roster_files import write_file as _write

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
