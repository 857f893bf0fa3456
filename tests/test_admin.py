"""The Django admin is not a side door: superusers inspect the register, nobody writes through it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from afterschool.register.models import Role, School, Student
from tests.factories import (
    GuardianshipFactory,
    RoleFactory,
    StudentFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_no_register_model_can_be_added_changed_or_deleted_in_the_admin(rf):
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    register_models = [m for m in admin.site._registry if m._meta.app_label == "afterschool"]
    assert len(register_models) >= 12
    for model in register_models:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.has_view_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), (model, inline)
            assert not inline.has_change_permission(request), (model, inline)
            assert not inline.has_delete_permission(request), (model, inline)


def test_a_superuser_inspects_but_a_post_changes_nothing(superuser_client):
    link = GuardianshipFactory(may_pick_up=True)
    role = RoleFactory(kind=Role.Kind.TEACHER, school=link.student.school)
    term = TermFactory(school=link.student.school)
    pages = [
        reverse("admin:afterschool_student_change", args=[link.student_id]),
        reverse("admin:afterschool_role_change", args=[role.pk]),
        reverse("admin:afterschool_term_change", args=[term.pk]),
        reverse("admin:afterschool_guardian_change", args=[link.guardian_id]),
        reverse("admin:afterschool_user_change", args=[role.user_id]),
    ]
    for page in pages:
        assert superuser_client.get(page).status_code == 200, page
    # when the superuser posts changes anyway
    superuser_client.post(pages[0], {"name": "改名", "guardianships-0-may_pick_up": ""})
    superuser_client.post(pages[1], {"kind": "school_admin"})
    superuser_client.post(reverse("admin:afterschool_role_delete", args=[role.pk]), {"post": "yes"})
    assert superuser_client.get(reverse("admin:afterschool_school_add")).status_code == 403
    # then nothing changed
    link.refresh_from_db()
    role.refresh_from_db()
    assert Student.objects.get(pk=link.student_id).name != "改名" and link.may_pick_up
    assert role.kind == Role.Kind.TEACHER
    assert School.objects.count() == 1


def test_staff_who_are_not_superusers_see_nothing_of_the_register(client):
    client.force_login(UserFactory(is_staff=True))
    student = StudentFactory()
    response = client.get(reverse("admin:afterschool_student_change", args=[student.pk]))
    assert response.status_code in (302, 403)
