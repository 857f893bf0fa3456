"""The product's audit trail: append-only on every database, typed targets, sentences, pickup changes."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from afterschool.register import audit_entries, services
from afterschool.register.audit import audit_action, audit_record, audit_sentence
from afterschool.register.models import AppendOnlyError, AuditEntry, School, Student
from afterschool.register.roster import roster_import
from tests.factories import (
    GuardianshipFactory,
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    bureau_staff,
    school_admin,
)
from tests.register.roster_files import student_rows, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    school = SchoolFactory()
    student = StudentFactory(school=school, name="王梓涵")
    return audit_record(
        by=school_admin(school, full_name="陈卫东"),
        action=audit_entries.INVITATION_REVOKE,
        school=school,
        target=student,
        code="ABCD2345",
    )


def test_an_entry_keeps_a_typed_target_and_the_names_as_they_were(entry):
    student = Student.objects.get(name="王梓涵")
    assert entry.target_type.model_class() is Student and entry.target_id == student.pk
    assert entry.target_label == "王梓涵" and entry.actor_label == "陈卫东"
    assert entry.district_id == entry.school.district_id
    Student.objects.filter(pk=student.pk).update(name="王子涵")
    entry.refresh_from_db()
    assert audit_sentence(entry) == "作废了 王梓涵 的邀请码 ABCD2345"


@pytest.mark.parametrize(
    "change",
    [
        lambda e: (setattr(e, "target_label", "x"), e.save()),
        lambda e: e.delete(),
        lambda e: AuditEntry.objects.filter(pk=e.pk).update(target_label="x"),
        lambda e: AuditEntry.objects.filter(pk=e.pk).delete(),
        lambda e: AuditEntry.objects.bulk_update([e], ["target_label"]),
    ],
    ids=["save", "delete", "queryset-update", "queryset-delete", "bulk-update"],
)
def test_the_model_refuses_to_change_or_delete_an_entry(entry, change):
    with pytest.raises(AppendOnlyError):
        change(entry)
    entry.refresh_from_db()
    assert entry.target_label == "王梓涵"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the table's own refusal is PostgreSQL's"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE afterschool_auditentry SET target_label = 'x' WHERE id = %s",
        "DELETE FROM afterschool_auditentry WHERE id = %s",
    ],
)
def test_on_postgresql_the_table_itself_refuses_update_and_delete(entry, sql):
    from django.db import DatabaseError

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.target_label == "王梓涵"


def test_deleting_a_school_leaves_its_trail():
    school = SchoolFactory(name="将撤并的小学")
    audit_record(by=None, action=audit_entries.TERM_SAVE, school=school, label="x", created=True)
    pk = school.pk
    School.objects.filter(pk=pk).delete()
    assert AuditEntry.objects.filter(school_id=pk).count() == 1


def test_a_correction_is_a_new_entry_pointing_at_the_one_it_corrects(entry):
    correction = audit_record(
        by=None,
        action=audit_entries.INVITATION_REVOKE,
        school=entry.school,
        target=Student.objects.get(pk=entry.target_id),
        corrects=entry,
        code="ABCD2345",
    )
    assert correction.corrects == entry and list(entry.corrections.all()) == [correction]
    assert AuditEntry.objects.count() == 2


def test_actions_are_declared_by_app_and_once():
    with pytest.raises(ValueError, match="undeclared"):
        audit_record(by=None, action="register.no_such_thing")
    with pytest.raises(ValueError, match="<app>.<verb>"):
        audit_action("no_app", "x")
    with pytest.raises(ValueError, match="declared twice"):
        audit_action(audit_entries.INVITATION_ISSUE, "另一个名字")


def test_every_pickup_grant_from_an_import_is_its_own_entry():
    school = SchoolFactory()
    admin = school_admin(school)
    # 6 students: 6 mothers may pick up, 3 fathers may not
    result = roster_import(
        school=school, dataset_or_file=xlsx_file(student_rows(6)), by=admin, dry_run=False
    )
    assert result.saved
    grants = AuditEntry.objects.filter(action=audit_entries.PICKUP_GRANT)
    assert grants.count() == 6
    assert {e.target_id for e in grants} == set(Student.objects.values_list("pk", flat=True))
    assert all(e.actor == admin and "名册导入" in e.details["source"] for e in grants)

    # when a re-import withdraws one mother's permission and grants one father's
    rows = student_rows(6)
    for r in rows:
        if r[6] == "13900000001":  # 学生1's mother
            r[8] = "否"
        if r[6] == "13700000002":  # 学生2's father
            r[8] = "是"
    roster_import(school=school, dataset_or_file=xlsx_file(rows), by=admin, dry_run=False)
    withdrawn = AuditEntry.objects.get(action=audit_entries.PICKUP_WITHDRAW)
    assert withdrawn.target_label == "学生1" and "母亲1" in withdrawn.details["guardian"]
    assert AuditEntry.objects.filter(action=audit_entries.PICKUP_GRANT).count() == 7
    assert "取消 母亲1" in audit_sentence(withdrawn)


def test_removing_a_guardian_who_may_pick_up_records_the_withdrawal():
    link = GuardianshipFactory(may_pick_up=True)
    services.guardianship_remove(guardianship=link, by=None)
    entry = AuditEntry.objects.get(action=audit_entries.PICKUP_WITHDRAW)
    assert entry.target_id == link.student_id


def test_the_audit_page_reads_as_chinese_sentences_with_names_not_keys_or_ids(client):
    # given a school where an admin does the usual things
    school = SchoolFactory()
    homeroom = HomeroomFactory(school=school)
    admin = school_admin(school, full_name="陈卫东")
    students = [
        StudentFactory(school=school, homeroom=homeroom, name=n) for n in ("王梓涵", "李子轩")
    ]
    client.force_login(admin)
    client.post(reverse("school:homeroom-invitations-issue", kwargs={"pk": homeroom.pk}))
    client.post(
        reverse("school:student-edit", kwargs={"pk": students[0].pk}),
        {"name": "王梓涵", "gender": "M", "homeroom": homeroom.pk, "status": "enrolled"},
    )
    client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": students[0].pk}),
        {"name": "林晓燕", "mobile": "13900130200", "relation": "mother", "may_pick_up": "on"},
    )
    roster_import(
        school=school,
        dataset_or_file=xlsx_file(student_rows(2), name="三年级.xlsx"),
        by=admin,
        dry_run=False,
    )
    # when
    page = client.get(
        reverse("school:audit-list", kwargs={"school_pk": school.pk})
    ).content.decode()
    page = page[
        page.index('class="list-group audit-list"') :
    ]  # the entries, not the filter's options
    # then
    assert f"为 {homeroom.name} 的 2 名学生生成家长邀请码：王梓涵、李子轩" in page
    assert "修改学生 王梓涵 的信息：性别由“女”改为“男”" in page
    assert "为学生 王梓涵 添加监护人 林晓燕（139****0200）（母亲，可接送）" in page
    assert "允许 林晓燕（139****0200）（母亲）接送 王梓涵" in page
    assert "导入名册“三年级.xlsx”：新增学生 2 名" in page
    for raw in ("students_new", "students:", "[", "invitation_issue", "register.", "13900130200"):
        assert raw not in page, raw
    # and the bureau reads the same sentences, filtered by one action
    client.force_login(bureau_staff(school.district))
    filtered = client.get(
        reverse("school:audit-list", kwargs={"school_pk": school.pk}),
        {"action": audit_entries.ROSTER_IMPORT},
    ).content.decode()
    assert "导入名册" in filtered and "生成家长邀请码" not in filtered
    assert (
        client.get(
            reverse("school:audit-list", kwargs={"school_pk": school.pk}), {"action": "x' OR 1"}
        ).status_code
        == 200
    )
