"""The migration that makes guardians records of a district (0004–0006), run on rows built before it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("afterschool", "0005_guardian_district")]
AFTER = [("afterschool", "0006_guardian_district_fill")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_guardian_of_two_districts_is_split_and_keeps_the_account_where_they_activated():
    apps = _migrate(BEFORE)
    try:
        m = {name: apps.get_model("afterschool", name) for name in [
            "District", "School", "Grade", "Homeroom", "Student", "Guardian", "Guardianship",
            "InvitationCode", "User",
        ]}  # fmt: skip

        def child(school, no):
            grade, _ = m["Grade"].objects.get_or_create(school=school, number=3)
            room, _ = m["Homeroom"].objects.get_or_create(school=school, grade=grade, number=1)
            return m["Student"].objects.create(
                school=school, homeroom=room, student_no=no, name=no, gender="F"
            )

        a, b = (m["District"].objects.create(name=n, code=n) for n in ("a", "b"))
        a1, a2 = (m["School"].objects.create(district=a, name=n, code=n) for n in ("a1", "a2"))
        b1 = m["School"].objects.create(district=b, name="b1", code="b1")
        a1_child, b1_child, a2_child = child(a1, "A1"), child(b1, "B1"), child(a2, "A2")
        b1_sibling = child(b1, "B2")
        user = m["User"].objects.create(username="13800000001", mobile="13800000001")
        shared = m["Guardian"].objects.create(name="王芳", mobile="13800000001", user=user)
        only_b = m["Guardian"].objects.create(name="李四", mobile="13800000002")
        m["Guardian"].objects.create(name="无人", mobile="13800000003")  # linked to nobody
        for student in (a1_child, b1_child, a2_child, b1_sibling):  # A's link is the oldest
            m["Guardianship"].objects.create(guardian=shared, student=student, relation="mother")
        m["Guardianship"].objects.create(guardian=only_b, student=b1_sibling, relation="father")
        now = timezone.now()
        later = now + datetime.timedelta(days=30)
        used = m["InvitationCode"].objects.create(
            student=a1_child, code="USED2345", expires_at=later, used_at=now, used_by=shared
        )
        reset = m["InvitationCode"].objects.create(
            student=b1_child, code="RSET2345", expires_at=later, guardian=shared
        )

        apps = _migrate(AFTER)
        Guardian = apps.get_model("afterschool", "Guardian")
        InvitationCode = apps.get_model("afterschool", "InvitationCode")
        in_a = Guardian.objects.get(mobile="13800000001", district_id=a.pk)
        in_b = Guardian.objects.get(mobile="13800000001", district_id=b.pk)
        assert in_a.pk == shared.pk and in_a.user_id == user.pk and in_b.user_id is None
        assert in_b.name == "王芳"
        assert set(in_a.guardianships.values_list("student_id", flat=True)) == {
            a1_child.pk,
            a2_child.pk,
        }
        assert set(in_b.guardianships.values_list("student_id", flat=True)) == {
            b1_child.pk,
            b1_sibling.pk,
        }
        assert Guardian.objects.get(pk=only_b.pk).district_id == b.pk
        assert not Guardian.objects.filter(mobile="13800000003").exists()
        assert InvitationCode.objects.get(pk=used.pk).used_by_id == in_a.pk
        assert InvitationCode.objects.get(pk=reset.pk).guardian_id == in_b.pk

        # and backwards, one record per mobile again, holding the account and every link
        apps = _migrate(BEFORE)
        Guardian = apps.get_model("afterschool", "Guardian")
        merged = Guardian.objects.get(mobile="13800000001")
        assert merged.pk == shared.pk and merged.user_id == user.pk
        assert merged.guardianships.count() == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
