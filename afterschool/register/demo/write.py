"""Writing the demo plan: only what is missing, in bulk."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password

from afterschool.register.demo.spec import DISTRICT, SCHOOLS, DemoPlan
from afterschool.register.models import (
    District,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    HomeroomMembership,
    Role,
    School,
    Student,
    TeachingAssignment,
    Term,
    TermDay,
    User,
)
from afterschool.register.services.terms import school_year_ensure

Kind = Role.Kind

# --- Writing the plan: only what is missing, in bulk -------------------------------------------------


def _term_dates(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """The semester around ``today``. Between semesters the coming one starts a week early, so there
    is always a current term to show."""
    terms = []
    for y in (today.year - 1, today.year):
        terms.append(
            (f"{y}—{y + 1} 学年第一学期", datetime.date(y, 9, 1), datetime.date(y + 1, 1, 22))
        )
        terms.append(
            (f"{y}—{y + 1} 学年第二学期", datetime.date(y + 1, 2, 23), datetime.date(y + 1, 7, 10))
        )
    for name, start, end in terms:
        if start <= today <= end:
            return name, start, end
    name, start, end = next(t for t in terms if t[1] > today)
    return name, min(start, today - datetime.timedelta(days=7)), end


# The State Council's 2026 holiday notice; other years get the usual pattern (a week off for 国庆 with
# the Saturday after worked, 元旦, 劳动节).
KNOWN_CALENDAR = {
    2026: [
        ("2026-09-20", TermDay.Kind.WORKDAY, "国庆节调休上课", 3),
        ("2026-09-25", TermDay.Kind.HOLIDAY, "中秋节", None),
        *[(f"2026-10-{d:02d}", TermDay.Kind.HOLIDAY, "国庆节", None) for d in range(1, 8)],
        ("2026-10-10", TermDay.Kind.WORKDAY, "国庆节调休上课", 5),
        ("2027-01-01", TermDay.Kind.HOLIDAY, "元旦", None),
    ],
}


def _calendar_days(
    start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, str, str, int | None]]:
    """(date, kind, note, weekday a swapped working day follows) of the terms's calendar exceptions."""
    days = []
    for y in (start.year - 1, start.year, end.year):
        if y in KNOWN_CALENDAR:
            days += [
                (datetime.date.fromisoformat(d), k, note, follows)
                for d, k, note, follows in KNOWN_CALENDAR[y]
            ]
            continue
        days += [
            (datetime.date(y, 10, d), TermDay.Kind.HOLIDAY, "国庆节", None) for d in range(1, 8)
        ]
        saturday = datetime.date(y, 10, 8)
        saturday += datetime.timedelta(days=(5 - saturday.weekday()) % 7)
        days.append((saturday, TermDay.Kind.WORKDAY, "国庆节调休上课", 5))
        days.append((datetime.date(y, 1, 1), TermDay.Kind.HOLIDAY, "元旦", None))
        days += [
            (datetime.date(y, 5, d), TermDay.Kind.HOLIDAY, "劳动节", None) for d in range(1, 6)
        ]
    unique = {d[0]: d for d in days if start <= d[0] <= end}
    return [unique[d] for d in sorted(unique)]


def _bulk(model, objs: Iterable) -> int:
    objs = list(objs)
    if objs:
        model.objects.bulk_create(objs, batch_size=500)
    return len(objs)


def _write(plan: DemoPlan, *, password: str, today: datetime.date) -> dict[str, int]:
    created = dict.fromkeys(
        ["district", "schools", "terms", "term_days", "grades", "homerooms", "users", "roles"]
        + ["teaching_assignments", "students", "guardians", "guardianships"],
        0,
    )
    district, new = District.objects.get_or_create(
        code=DISTRICT["code"],
        defaults={"name": DISTRICT["name"], "bureau_name": DISTRICT["bureau_name"]},
    )
    created["district"] += new

    schools: dict[str, School] = {}
    for spec in SCHOOLS:
        school, new = School.objects.get_or_create(
            code=spec["code"],
            defaults={
                "district": district,
                "name": spec["name"],
                "stage": spec["stage"],
                "address": spec["address"],
                "phone": spec["phone"],
            },
        )
        schools[spec["key"]] = school
        created["schools"] += new

    # This school year, its terms and their calendar exceptions.
    years = {}
    name, start, end = _term_dates(today)
    for school in schools.values():
        years[school.pk] = school_year_ensure(school=school, day=start)
        term, new = Term.objects.get_or_create(
            school=school,
            name=name,
            defaults={
                "start_date": start,
                "end_date": end,
                "service_weekdays": [1, 2, 3, 4, 5],
                "school_year": years[school.pk],
            },
        )
        created["terms"] += new
        have = set(term.calendar_days.values_list("date", flat=True))
        created["term_days"] += _bulk(
            TermDay,
            (
                TermDay(term=term, date=d, kind=kind, note=note, follows_weekday=follows)
                for d, kind, note, follows in _calendar_days(term.start_date, term.end_date)
                if d not in have
            ),
        )

    # Grades.
    wanted = {(k, g) for k, g, _r in plan.homerooms}
    grades = {(g.school_id, g.number): g for g in Grade.objects.filter(school__in=schools.values())}
    created["grades"] = _bulk(
        Grade,
        (
            Grade(school=schools[k], number=g)
            for k, g in sorted(wanted)
            if (schools[k].pk, g) not in grades
        ),
    )
    grades = {(g.school_id, g.number): g for g in Grade.objects.filter(school__in=schools.values())}

    # Users and their roles. Staff share one password hash: hashing is deliberately slow, and the
    # demo documents a single password anyway.
    usernames = [s.username for s in plan.staff] + [
        g.username for g in plan.guardians if g.username
    ]
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    people = [(s.username, s.full_name, s.mobile) for s in plan.staff] + [
        (g.username, g.name, g.mobile) for g in plan.guardians if g.username
    ]
    missing = [p for p in people if p[0] not in users]
    if missing:
        taken = set(
            User.objects.filter(mobile__in=[m for _u, _n, m in missing if m]).values_list(
                "mobile", flat=True
            )
        )
        hashed = make_password(password)
        created["users"] = _bulk(
            User,
            (
                User(
                    username=username,
                    full_name=full_name,
                    mobile=mobile if mobile not in taken else None,
                    password=hashed,
                )
                for username, full_name, mobile in missing
            ),
        )
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}

    have = set(
        Role.objects.filter(user__in=users.values()).values_list(
            "user_id", "kind", "school_id", "district_id"
        )
    )
    new_roles = []
    for s in plan.staff:
        for kind, scope in s.roles:
            school = schools.get(scope)
            key = (
                users[s.username].pk,
                kind,
                school.pk if school else None,
                None if school else district.pk,
            )
            if key not in have:
                have.add(key)
                new_roles.append(
                    Role(
                        user=users[s.username],
                        kind=kind,
                        school=school,
                        district=None if school else district,
                    )
                )
    created["roles"] = _bulk(Role, new_roles)

    # This year's homerooms, led by their head teachers.
    homerooms = {
        (h.grade_id, h.number): h for h in Homeroom.objects.filter(school_year__in=years.values())
    }
    new_rooms, fill_head = [], []
    for (k, g, r), head in sorted(plan.homerooms.items()):
        grade = grades[(schools[k].pk, g)]
        room = homerooms.get((grade.pk, r))
        if room is None:
            new_rooms.append(
                Homeroom(
                    school=schools[k],
                    school_year=years[schools[k].pk],
                    grade=grade,
                    number=r,
                    head_teacher=users[head],
                )
            )
        elif room.head_teacher_id is None:
            room.head_teacher = users[head]
            fill_head.append(room)
    created["homerooms"] = _bulk(Homeroom, new_rooms)
    if fill_head:
        Homeroom.objects.bulk_update(fill_head, ["head_teacher"])
    homerooms = {
        (h.school_id, h.grade.number, h.number): h
        for h in Homeroom.objects.filter(school_year__in=years.values()).select_related("grade")
    }

    def room_of(k, g, r) -> Homeroom:
        return homerooms[(schools[k].pk, g, r)]

    have = set(
        TeachingAssignment.objects.filter(homeroom__school__in=schools.values()).values_list(
            "teacher_id", "homeroom_id", "subject"
        )
    )
    new_teaching = []
    for username, k, g, r, subject in plan.teaching:
        key = (users[username].pk, room_of(k, g, r).pk, subject)
        if key not in have:
            have.add(key)
            new_teaching.append(
                TeachingAssignment(
                    teacher=users[username], homeroom=room_of(k, g, r), subject=subject
                )
            )
    created["teaching_assignments"] = _bulk(TeachingAssignment, new_teaching)

    # Students.
    def student_ids():
        return {
            (school_id, no): pk
            for pk, school_id, no in Student.objects.filter(
                school__in=schools.values()
            ).values_list("pk", "school_id", "student_no")
        }

    existing = student_ids()
    created["students"] = _bulk(
        Student,
        (
            Student(
                school=schools[st.school],
                student_no=st.student_no,
                name=st.name,
                gender=st.gender,
                homeroom=room_of(st.school, st.grade, st.room),
                **st.flags,
            )
            for st in plan.students
            if (schools[st.school].pk, st.student_no) not in existing
        ),
    )
    if created["students"]:
        existing = student_ids()
    member = set(
        HomeroomMembership.objects.filter(school_year__in=years.values()).values_list(
            "student_id", flat=True
        )
    )
    _bulk(
        HomeroomMembership,
        (
            HomeroomMembership(
                student_id=existing[(schools[st.school].pk, st.student_no)],
                homeroom=room_of(st.school, st.grade, st.room),
                school_year=years[schools[st.school].pk],
            )
            for st in plan.students
            if existing[(schools[st.school].pk, st.student_no)] not in member
        ),
    )

    # Guardians, identified by mobile number within the district, and their links to the children.
    mobiles = [g.mobile for g in plan.guardians]
    found = {g.mobile: g for g in Guardian.objects.filter(district=district, mobile__in=mobiles)}
    created["guardians"] = _bulk(
        Guardian,
        (
            Guardian(
                district=district,
                name=g.name,
                mobile=g.mobile,
                user=users[g.username] if g.username else None,
            )
            for g in plan.guardians
            if g.mobile not in found
        ),
    )
    link_user = [
        found[g.mobile]
        for g in plan.guardians
        if g.username and g.mobile in found and found[g.mobile].user_id is None
    ]
    for guardian in link_user:
        guardian.user = users[
            next(g.username for g in plan.guardians if g.mobile == guardian.mobile)
        ]
    if link_user:
        Guardian.objects.bulk_update(link_user, ["user"])
    if created["guardians"]:
        found = {
            g.mobile: g for g in Guardian.objects.filter(district=district, mobile__in=mobiles)
        }

    have = set(
        Guardianship.objects.filter(guardian__in=found.values()).values_list(
            "guardian_id", "student_id"
        )
    )
    new_links = []
    for g in plan.guardians:
        for k, no in g.children:
            key = (found[g.mobile].pk, existing[(schools[k].pk, no)])
            if key not in have:
                have.add(key)
                new_links.append(
                    Guardianship(
                        guardian_id=key[0],
                        student_id=key[1],
                        relation=g.relation,
                        may_pick_up=g.may_pick_up,
                    )
                )
    created["guardianships"] = _bulk(Guardianship, new_links)
    return created


def _totals() -> dict[str, int]:
    district = District.objects.get(code=DISTRICT["code"])
    schools = School.objects.filter(district=district)
    return {
        "schools": schools.count(),
        "homerooms": Homeroom.objects.filter(school__in=schools).count(),
        "students": Student.objects.filter(school__in=schools).count(),
        "guardians": Guardian.objects.filter(students__school__in=schools).distinct().count(),
        "staff": Role.objects.filter(school__in=schools).values("user").distinct().count(),
    }
