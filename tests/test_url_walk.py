"""Walk every URL pattern of the site as people it does not belong to.

Every named URL must be classified below, so a new page cannot slip in unchecked. Pages about one object
answer 404 to anyone the object is not theirs: another family, another school, another district. Anonymous
visitors are sent to log in. The object's rightful users get the page, so the walk cannot pass by 404ing
everyone.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from afterschool.register import services
from afterschool.register.models import Homeroom, Role
from tests.factories import (
    DistrictFactory,
    HomeroomFactory,
    RoleFactory,
    SchoolFactory,
    StudentFactory,
    TermFactory,
    UserFactory,
    bureau_staff,
    parent_of,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db

# name -> (the object its kwargs point at, method, who may use it)
OBJECT_URLS = {
    "home:school-dashboard": ("school", "get", ["admin", "bureau"]),
    "school:student-list": ("school", "get", ["admin", "bureau"]),
    "school:term-list": ("school", "get", ["admin", "bureau"]),
    "school:staff-list": ("school", "get", ["admin", "bureau"]),
    "school:role-remove": ("role", "post", ["admin"]),
    "school:staff-invitation-revoke": ("staff_invitation", "post", ["admin"]),
    "school:staff-invitation-reissue": ("staff_invitation", "post", ["admin"]),
    "school:homeroom-head-teacher-set": ("homeroom", "post", ["admin"]),
    "school:term-create": ("school", "get", ["admin"]),
    "school:term-update": ("term", "get", ["admin"]),
    "school:roster-import": ("school", "get", ["admin"]),
    "school:roster-import-confirm": ("school", "post", ["admin"]),
    "school:roster-export": ("school", "get", ["admin"]),
    "school:roster-template-download": ("school", "get", ["admin"]),
    "school:student-detail": ("student", "get", ["admin", "bureau", "head_teacher"]),
    "school:student-invitation-issue": ("student", "post", ["admin", "head_teacher"]),
    "school:student-edit": ("student", "get", ["admin"]),
    "school:guardianship-create": ("student_nested", "get", ["admin"]),
    "school:guardianship-update": ("guardianship", "get", ["admin"]),
    "school:guardianship-remove": ("guardianship", "post", ["admin"]),
    "school:guardian-reset-code-issue": ("guardianship", "post", ["admin"]),
    "school:audit-list": ("school", "get", ["admin", "bureau"]),
    "school:invitation-revoke": ("invitation", "post", ["admin", "head_teacher"]),
    "school:homeroom-detail": ("homeroom", "get", ["admin", "bureau", "head_teacher"]),
    "school:homeroom-invitations-issue": ("homeroom", "post", ["admin", "head_teacher"]),
    "school:homeroom-letters-print": ("homeroom", "get", ["admin", "head_teacher"]),
    "home:family-child": ("student", "get", ["parent"]),
}
# Pages about the visitor themselves: the outsiders see their own (or a 404), never the other school's data.
OWN_URLS = {
    "home:index",
    "home:school-default",
    "home:teacher-today",
    "home:family-home",
    "home:bureau-overview",
    "accounts:no-role",
    "accounts:profile",
    "accounts:password-change",
    "accounts:password-change-done",
}
# Open to anyone: logging in, activating or joining a school with a code, resetting a password, choosing a
# language.
PUBLIC_URLS = {
    "accounts:login",
    "accounts:logout",
    "accounts:activate",
    "accounts:staff-join",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "set_language",
}


SAME_SCHOOL_OUTSIDERS = {
    "another family (same class)",
    "a teacher of this school without this class",
}


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern)


def all_urls():
    return list(_walk(get_resolver().url_patterns))


def _fill(route: str, values: dict) -> str:
    """Turn ``school/<int:school_pk>/`` (or an admin regex route) into a concrete path."""

    def sub(m):
        return str(values[m.group("name")])

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", sub, route)
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", sub, path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


@dataclass
class World:
    school: object
    student: object
    homeroom: object
    invitation: object
    term: object
    role: object
    insiders: dict
    outsiders: dict


@pytest.fixture
def world():
    district = DistrictFactory(name="甲区")
    school = SchoolFactory(district=district, name="甲区第一小学")
    head = teacher(school)
    homeroom = HomeroomFactory(school=school, head_teacher=head)
    student = StudentFactory(school=school, homeroom=homeroom, name="甲同学")
    admin = school_admin(school)
    (invitation,) = services.invitation_code_issue(students=[student], by=admin)
    classmate = StudentFactory(school=school, homeroom=homeroom, name="乙同学")

    neighbour = SchoolFactory(district=district, name="甲区第二小学")
    far = DistrictFactory(name="丙区")
    far_school = SchoolFactory(district=far, name="丙区小学")
    outsiders = {
        "another family (same class)": parent_of(classmate),
        "another school's admin": school_admin(neighbour),
        "another school's teacher": teacher(neighbour),
        "another school's duty leader": RoleFactory(
            kind=Role.Kind.DUTY_LEADER, school=neighbour
        ).user,
        "provider staff at another school": RoleFactory(
            kind=Role.Kind.PROVIDER_STAFF, school=neighbour
        ).user,
        "another district's bureau": bureau_staff(far),
        "another district's school admin": school_admin(far_school),
        "a teacher of this school without this class": teacher(school),
        "a user without any role": UserFactory(),
    }
    insiders = {
        "admin": admin,
        "bureau": bureau_staff(district),
        "head_teacher": head,
        "parent": parent_of(student),
    }
    term = TermFactory(school=school)
    role = RoleFactory(kind=Role.Kind.DUTY_LEADER, school=school)
    insiders_parent_link = (
        insiders["parent"].guardian_records.get().guardianships.get(student=student)
    )
    world = World(school, student, homeroom, invitation, term, role, insiders, outsiders)
    world.guardianship_pk = insiders_parent_link.pk
    world.staff_invitation = _staff_invitation(school, admin)
    return world


def _staff_invitation(school, admin):
    return services.staff_add(
        school=school, full_name="新同事", mobile="13700000000", kinds=["teacher"], by=admin
    ).invitation


def _values(world):
    return {
        "school": {"school_pk": world.school.pk},
        "student": {"pk": world.student.pk},
        "homeroom": {"pk": world.homeroom.pk},
        "invitation": {"pk": world.invitation.pk},
        "term": {"school_pk": world.school.pk, "pk": world.term.pk},
        "role": {"school_pk": world.school.pk, "pk": world.role.pk},
        "student_nested": {"student_pk": world.student.pk},
        "staff_invitation": {"school_pk": world.school.pk, "pk": world.staff_invitation.pk},
        "guardianship": {
            "student_pk": world.student.pk,
            "pk": world.guardianship_pk,
        },
    }


def test_every_url_is_classified():
    names = {name for name, _ in all_urls() if name and not name.startswith("admin:")}
    unclassified = names - set(OBJECT_URLS) - OWN_URLS - PUBLIC_URLS
    assert not unclassified, f"classify these URLs in the walk: {sorted(unclassified)}"
    assert not (set(OBJECT_URLS) | OWN_URLS | PUBLIC_URLS) - names, (
        "the walk lists URLs that no longer exist"
    )


def test_object_pages_are_404_for_everyone_else(client, world):
    values = _values(world)
    checked = 0
    for name, route in all_urls():
        if name not in OBJECT_URLS:
            continue
        kind, method, _ = OBJECT_URLS[name]
        path = _fill(route, values[kind])
        for who, user in world.outsiders.items():
            client.force_login(user)
            response = getattr(client, method)(path)
            assert response.status_code == 404, (
                f"{who} got {response.status_code} on {method.upper()} {path} ({name})"
            )
            checked += 1
    assert checked == len(OBJECT_URLS) * len(world.outsiders)


def test_object_pages_open_for_their_rightful_users(client, world):
    values = _values(world)
    # Pages first, then the actions, which may change what the pages would show.
    urls = sorted(
        (u for u in all_urls() if u[0] in OBJECT_URLS), key=lambda u: OBJECT_URLS[u[0]][1] == "post"
    )
    for name, route in urls:
        kind, method, allowed = OBJECT_URLS[name]
        for role in allowed:
            # Revoking spends the code: give each rightful POST a fresh one.
            if name == "school:invitation-revoke":
                (world.invitation,) = services.invitation_code_issue(
                    students=[world.student], by=None
                )
                values = _values(world)
            if name.startswith("school:staff-invitation-"):
                world.staff_invitation = _staff_invitation(world.school, world.insiders["admin"])
                values = _values(world)
            client.force_login(world.insiders[role])
            response = getattr(client, method)(_fill(route, values[kind]))
            # An empty POST of the head-teacher form clears the class's head teacher: put her back.
            Homeroom.objects.filter(pk=world.homeroom.pk).update(
                head_teacher=world.insiders["head_teacher"]
            )
            assert response.status_code in (200, 302), (
                f"{role} got {response.status_code} on {name}"
            )


def test_own_pages_never_show_another_schools_children(client, world):
    paths = [(name, _fill(route, {})) for name, route in all_urls() if name in OWN_URLS]
    for who, user in world.outsiders.items():
        client.force_login(user)
        for name, path in paths:
            response = client.get(path, follow=True)
            assert response.status_code in (200, 404), f"{who} got {response.status_code} on {name}"
            page = response.content.decode()
            assert "甲同学" not in page, f"{who} saw another family's child on {name}"
            if who not in SAME_SCHOOL_OUTSIDERS:
                assert world.school.name not in page, f"{who} saw another school on {name}"


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    values = _values(world)
    for name, route in all_urls():
        if name in PUBLIC_URLS or name is None or name.startswith("admin:"):
            continue
        kind, method, _ = OBJECT_URLS.get(name, (None, "get", []))
        response = getattr(client, method)(_fill(route, values.get(kind, {})))
        assert response.status_code == 302, (
            f"{name} answered {response.status_code} to an anonymous visitor"
        )
        assert response.url.startswith("/accounts/login/"), (
            f"{name} sent an anonymous visitor to {response.url}"
        )


def test_public_pages_open_without_logging_in(client):
    for name, route in all_urls():
        if name in PUBLIC_URLS and "<" not in route:
            method = "post" if name in {"accounts:logout", "set_language"} else "get"
            assert getattr(client, method)(_fill(route, {})).status_code in (200, 302), name


def test_the_django_admin_is_closed_to_everyone_but_staff(client, world):
    values = {
        "app_label": "afterschool",
        "object_id": world.student.pk,
        "id": world.student.pk,
        "content_type_id": 1,
        "url": "x/",
    }
    users = [None, *world.outsiders.values(), *world.insiders.values()]
    admin_urls = [
        (n, r)
        for n, r in all_urls()
        if n and n.startswith("admin:") and n not in {"admin:login", "admin:logout"}
    ]
    assert len(admin_urls) > 20
    for user in users:
        client.logout()
        if user:
            client.force_login(user)
        for name, route in admin_urls:
            response = client.get(_fill(route, values))
            assert response.status_code in (302, 404), f"{name}: {response.status_code}"
            if response.status_code == 302:
                assert response.url.startswith("/admin/login/"), f"{name} -> {response.url}"
