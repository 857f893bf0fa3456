"""The demo district: a bureau, a primary and a middle school, their staff, students and guardians.

Every person is generated from a seed derived from where they sit (school, grade, class, seat; or their
username), never from a shared random stream. So every run plans exactly the same people, the small
demo is a subset of the full one, and mobile numbers are unique by construction. The plan is then written
with ``bulk_create``, skipping whatever already exists (matched by codes, usernames, student numbers and
mobile numbers): a second run changes nothing, and after a partial delete it tops up what is missing.

Only development and test settings define ``DEMO_PASSWORD``; without it nothing is built.
"""

import datetime
import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from afterschool.register.models import (
    District,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    Role,
    School,
    Student,
    TeachingAssignment,
    Term,
    TermDay,
    User,
)

Kind = Role.Kind
Relation = Guardianship.Relation

# Student numbers and ages are fixed to the 2026—2027 school year, so that the same children come back
# whatever the date: a demo database seeded again next year tops up instead of enrolling twins.
COHORT_YEAR = 2026

DISTRICT = {"code": "demo", "name": "示例区", "bureau_name": "示例区教育局"}

# rooms per grade, students per room (a range: each class gets its own size)
SIZES = {
    "full": {"primary": (4, (38, 42)), "middle": (3, (38, 42))},
    "small": {"primary": (2, (10, 10)), "middle": (2, (10, 10))},
}

# (subject, username abbreviation, grades, grades per teacher, classes of a grade per teacher)
# The first entries marked core are taught by the head teachers: each teaches one subject to two classes
# and leads one of them, as is usual in Chinese schools.
PRIMARY_CORE = [("语文", "yw"), ("数学", "sx")]
PRIMARY_SUBJECTS = [
    ("英语", "yy", range(1, 7), 1, 2),
    ("体育", "ty", range(1, 7), 2, 2),
    ("音乐", "yl", range(1, 7), 3, 2),
    ("美术", "ms", range(1, 7), 3, 2),
    ("科学", "kx", range(1, 7), 2, 2),
]
MIDDLE_CORE = [("语文", "yw"), ("数学", "sx"), ("英语", "yy")]
MIDDLE_SUBJECTS = [
    ("物理", "wl", range(8, 10), 2, 3),
    ("化学", "hx", range(9, 10), 1, 3),
    ("生物", "sw", range(7, 9), 2, 3),
    ("地理", "dl", range(7, 9), 2, 3),
    ("历史", "ls", range(7, 10), 3, 3),
    ("道德与法治", "df", range(7, 10), 3, 3),
    ("体育", "ty", range(7, 10), 1, 3),
    ("音乐", "yl", range(7, 10), 3, 3),
    ("美术", "ms", range(7, 10), 3, 3),
]

SCHOOLS = [
    {
        "key": "primary",
        "digit": "1",
        "code": "demo-primary",
        "prefix": "demo-ps",
        "name": "示例区实验小学",
        "stage": School.Stage.PRIMARY,
        "address": "示例区学府路 1 号",
        "phone": "010-00000001",
        "core": PRIMARY_CORE,
        "subjects": PRIMARY_SUBJECTS,
        "female_teachers": 0.8,
        "duty_leaders": 2,
    },
    {
        "key": "middle",
        "digit": "2",
        "code": "demo-middle",
        "prefix": "demo-ms",
        "name": "示例区育才中学",
        "stage": School.Stage.MIDDLE,
        "address": "示例区育才路 9 号",
        "phone": "010-00000002",
        "core": MIDDLE_CORE,
        "subjects": MIDDLE_SUBJECTS,
        "female_teachers": 0.6,
        "duty_leaders": 1,
    },
]

# The four documented demo accounts. demo-teacher leads 三年级(2)班 and teaches 数学 to (1) and (2);
# demo-parent is the mother of a child there and of a sibling in 一年级(1)班.
DEMO_ADMIN = {
    "username": "demo-admin",
    "full_name": "陈卫东",
    "title": "学校管理员（示例区实验小学）",
}
DEMO_TEACHER = {
    "username": "demo-teacher",
    "full_name": "刘晓梅",
    "title": "三年级（2）班班主任，教三年级（1）（2）班数学",
}
DEMO_PARENT = {"username": "demo-parent", "full_name": "林晓燕", "title": "家长（两个孩子的母亲）"}
DEMO_BUREAU = {"username": "demo-bureau", "full_name": "张振华", "title": "示例区教育局工作人员"}
DEMO_CHILD = ("primary", 3, 2, 0)
DEMO_SIBLING = ("primary", 1, 1, 0)
DEMO_FAMILY = {
    "surname": "王",
    "father": "王志强",
    "children": {DEMO_CHILD: ("梓涵", "F"), DEMO_SIBLING: ("梓轩", "M")},
}
DEMO_TEACHER_SEAT = ("primary", "sx", 3, 1)  # 数学 for grade 3, classes 1–2


# --- Names ----------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return text.split()


# Common surnames, roughly by frequency (the first ones repeat to weight them).
SURNAMES = list(
    "王李张刘陈杨黄赵吴周王李张刘陈杨徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
) + ["欧阳", "司马", "诸葛"]
BOY_NAMES = _words(
    "子轩 浩然 宇轩 梓豪 俊熙 沐阳 子墨 浩宇 皓轩 宇航 博文 奕辰 思远 睿 泽宇 铭泽 天佑 梓睿 煜祺 晨阳 "
    "锦程 明哲 一鸣 嘉懿 承泽 语堂 景行 子骞 俊宇 昊天 文轩 梓航 宇泽 知远 乐天 家豪 志远 星宇 博涵 雨泽 "
    "逸飞 清扬 安泽 若愚 书恒 瑞霖 晟睿 昱辰 亦凡 佑宁"
)
GIRL_NAMES = _words(
    "梓涵 一诺 欣怡 紫萱 诗涵 雨桐 可馨 梦琪 思彤 子萱 若曦 语嫣 欣妍 佳怡 雨萱 芷若 安琪 梓萱 依诺 "
    "沐晨 悦 彤 瑶 嘉怡 雅琪 静怡 雨涵 可欣 语桐 诗琪 乐瑶 梓琪 书瑶 一涵 心怡 晨曦 星辰 锦瑟 清妍 "
    "知夏 语汐 芊芊 婉清 沐瑶 书宁 若溪 思源 艺涵"
)
FATHER_NAMES = _words(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 鹏 辉 志强 海波 晓东 建华 俊杰 文斌 国栋 志刚 永刚 海涛 建军 "
    "晓明 立新 振宇 春雷 宏伟 卫国 小龙 学文 红军 云飞 永强 亮 浩 峰 斌斌 鑫"
)
MOTHER_NAMES = _words(
    "静 丽 敏 艳 娟 芳 婷 霞 燕 玲 晓燕 丽娜 雪梅 海燕 春梅 晓丽 文静 慧 颖 晶 倩 丹 红 莉 洁 "
    "晓红 桂香 美玲 秀梅 佳 璐 琳 雅静 欢 蕾 薇 萍 晓琳 新华 晓霞"
)
GRANDFATHER_NAMES = _words(
    "建国 建华 国强 德明 志刚 振华 桂林 福生 长海 玉山 永福 树林 家祥 金海 庆丰 德才 国庆 跃进 "
    "宝山 连生"
)
GRANDMOTHER_NAMES = _words(
    "秀英 桂英 秀兰 玉兰 凤英 淑珍 桂兰 玉珍 秀珍 翠花 桂芳 玉梅 素芬 月娥 淑华 凤兰 春花 金凤 "
    "玉芬 秀云"
)

# 6-digit region codes beginning 99 do not exist: the student numbers are plausible and plainly fake.
FAKE_REGION = "990101"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# Guardians' mobiles are built from where the child sits: 5-digit prefix by relation, then school digit,
# grade, class and seat. 139/138/137 followed by 00 or 10 are obviously not real subscribers.
GUARDIAN_MOBILE_PREFIX = {
    Relation.MOTHER: "13900",
    Relation.FATHER: "13800",
    Relation.GRANDMOTHER: "13700",
    Relation.MATERNAL_GRANDMOTHER: "13700",
    Relation.GRANDFATHER: "13710",
    Relation.MATERNAL_GRANDFATHER: "13710",
}
STAFF_MOBILE_PREFIX = "13600"


@dataclass
class StaffPlan:
    username: str
    full_name: str
    mobile: str | None
    roles: list[tuple[str, str]]  # (role kind, school key or "district")
    title: str = ""


@dataclass
class StudentPlan:
    school: str
    grade: int
    room: int
    seat: int
    student_no: str
    name: str
    gender: str
    flags: dict = field(default_factory=dict)


@dataclass
class GuardianPlan:
    name: str
    mobile: str
    relation: str
    may_pick_up: bool
    children: list[tuple[str, str]]  # (school key, student number)
    username: str | None = None


@dataclass
class DemoPlan:
    size: str
    staff: list[StaffPlan]
    homerooms: dict[tuple[str, int, int], str]  # (school, grade, room) → head teacher's username
    teaching: list[tuple[str, str, int, int, str]]  # (username, school, grade, room, subject)
    students: list[StudentPlan]
    guardians: list[GuardianPlan]


@dataclass
class DemoAccount:
    username: str
    full_name: str
    title: str
    mobile: str | None = None


@dataclass
class DemoSummary:
    size: str
    created: dict[str, int]
    accounts: list[DemoAccount]
    totals: dict[str, int]


def demo_district_build(*, size: str = "full", password: str | None = None) -> DemoSummary:
    """Build the demo district, or top up what is missing of it; returns what was created and the accounts.

    ``size="full"`` makes a primary school of 6 × 4 classes of about 40 and a middle school of 3 × 3;
    ``size="small"`` makes 2 classes of 10 per grade in each, for tests. Staff and the demo accounts get
    ``password`` (default ``settings.DEMO_PASSWORD``); existing users are left as they are.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}")
    password = password or getattr(settings, "DEMO_PASSWORD", None)
    if not password:
        raise ImproperlyConfigured("DEMO_PASSWORD is not set: the demo is for development only.")
    plan = demo_plan(size=size)
    with transaction.atomic():
        created = _write(plan, password=password, today=timezone.localdate())
    return DemoSummary(size=size, created=created, accounts=demo_accounts(plan), totals=_totals())


def demo_accounts(plan: DemoPlan) -> list[DemoAccount]:
    by_username = {s.username: s for s in plan.staff}
    parent = next(g for g in plan.guardians if g.username == DEMO_PARENT["username"])
    accounts = []
    for demo in (DEMO_ADMIN, DEMO_TEACHER, DEMO_PARENT, DEMO_BUREAU):
        staff = by_username.get(demo["username"])
        mobile = parent.mobile if demo is DEMO_PARENT else (staff.mobile if staff else None)
        accounts.append(DemoAccount(demo["username"], demo["full_name"], demo["title"], mobile))
    return accounts


# --- The plan: who is who, decided without the database ---------------------------------------------


def demo_plan(*, size: str = "full") -> DemoPlan:
    """Every person of the demo district, the same on every run."""
    rooms_by_school = {}
    for school in SCHOOLS:
        rooms, (lo, hi) = SIZES[size][school["key"]]
        grade_range = range(1, 7) if school["stage"] == School.Stage.PRIMARY else range(7, 10)
        rooms_by_school[school["key"]] = {
            (g, r): _rng("room", school["key"], g, r).randint(lo, hi)
            for g in grade_range
            for r in range(1, rooms + 1)
        }
    staff, homerooms, teaching = _plan_staff(rooms_by_school)
    students, guardians = _plan_students(rooms_by_school)
    return DemoPlan(size, staff, homerooms, teaching, students, guardians)


def _rng(*key) -> random.Random:
    # A string seed is hashed with SHA-512: stable across runs and Python versions.
    return random.Random("demo:" + ":".join(str(k) for k in key))


def _surname(rng: random.Random, *, avoid: str = "") -> str:
    while True:
        name = rng.choice(SURNAMES) if rng.random() > 0.01 else rng.choice(SURNAMES[-3:])
        if name != avoid:
            return name


def _adult_name(rng: random.Random, *, female: bool, surname: str | None = None) -> str:
    given = rng.choice(MOTHER_NAMES if female else FATHER_NAMES)
    return (surname or _surname(rng)) + given


def _staff_mobile(school_digit: str, username: str, taken: set[str]) -> str:
    """136 00, the school's digit, then five digits from the username: the same at every size."""
    n = int(hashlib.sha256(username.encode()).hexdigest(), 16) % 100_000
    while (mobile := f"{STAFF_MOBILE_PREFIX}{school_digit}{n:05d}") in taken:
        n = (n + 1) % 100_000
    taken.add(mobile)
    return mobile


def _plan_staff(rooms_by_school):
    staff: dict[str, StaffPlan] = {}
    homerooms: dict[tuple[str, int, int], str] = {}
    teaching: list[tuple[str, str, int, int, str]] = []

    mobiles: set[str] = set()

    def person(username, school, female_share, roles, *, full_name=None, title=""):
        if username not in staff:
            rng = _rng("staff", username)
            staff[username] = StaffPlan(
                username=username,
                full_name=full_name or _adult_name(rng, female=rng.random() < female_share),
                mobile=_staff_mobile(school["digit"], username, mobiles),
                roles=roles,
                title=title,
            )
        return staff[username]

    for school in SCHOOLS:
        key, prefix, share = school["key"], school["prefix"], school["female_teachers"]
        rooms = sorted(rooms_by_school[key])
        teacher_role = [(Kind.TEACHER, key)]
        # Administrators and duty leaders (带班领导).
        admins = [DEMO_ADMIN["username"]] if key == "primary" else []
        admins.append(f"{prefix}-admin{len(admins) + 1}")
        for username in admins:
            demo = username == DEMO_ADMIN["username"]
            person(
                username,
                school,
                share,
                [(Kind.SCHOOL_ADMIN, key)],
                full_name=DEMO_ADMIN["full_name"] if demo else None,
                title=DEMO_ADMIN["title"] if demo else "学校管理员",
            )
        for i in range(1, school["duty_leaders"] + 1):
            person(f"{prefix}-lead{i}", school, 0.5, [(Kind.DUTY_LEADER, key)], title="带班领导")
        # Core subjects: one teacher per subject for each pair of classes of a grade. The teacher of the
        # k-th core subject leads the class r of the pair with (r - 1) % len(core) == k: in the primary
        # school the 语文 teacher leads (1), (3); the 数学 teacher (2), (4).
        core = school["core"]
        for g, r in rooms:
            pair = (r - 1) // 2 + 1
            for k, (subject, abbr) in enumerate(core):
                username = f"{prefix}-{abbr}{g}{pair}"
                if (key, abbr, g, pair) == DEMO_TEACHER_SEAT:
                    username = DEMO_TEACHER["username"]
                demo = username == DEMO_TEACHER["username"]
                person(
                    username,
                    school,
                    share,
                    teacher_role,
                    full_name=DEMO_TEACHER["full_name"] if demo else None,
                    title=DEMO_TEACHER["title"] if demo else f"{subject}教师",
                )
                teaching.append((username, key, g, r, subject))
                if (r - 1) % len(core) == k:
                    homerooms[(key, g, r)] = username
        # Other subjects: each teacher takes a block of grades × classes.
        for subject, abbr, grades, grade_block, room_block in school["subjects"]:
            first = grades.start
            for g, r in rooms:
                if g not in grades:
                    continue
                username = (
                    f"{prefix}-{abbr}{(g - first) // grade_block + 1}{(r - 1) // room_block + 1}"
                )
                person(username, school, share, teacher_role, title=f"{subject}教师")
                teaching.append((username, key, g, r, subject))
    staff[DEMO_BUREAU["username"]] = StaffPlan(
        username=DEMO_BUREAU["username"],
        full_name=DEMO_BUREAU["full_name"],
        mobile=_staff_mobile("0", DEMO_BUREAU["username"], mobiles),
        roles=[(Kind.BUREAU_STAFF, "district")],
        title=DEMO_BUREAU["title"],
    )
    return list(staff.values()), homerooms, teaching


def _student_no(rng: random.Random, grade: int, gender: str, taken: set[str]) -> str:
    """学籍号: G + an 18-character ID number (fake region, birth date, sequence, check digit)."""
    # Children start grade 1 in September of the year they turn 6 by 31 August.
    born_from = datetime.date(COHORT_YEAR - 6 - grade, 9, 1)
    while True:
        born = born_from + datetime.timedelta(days=rng.randrange(365))
        seq = rng.randrange(1, 500) * 2 - (1 if gender == Student.Gender.MALE else 0)  # odd = male
        body = f"{FAKE_REGION}{born:%Y%m%d}{seq:03d}"
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
        number = f"G{body}{check}"
        if number not in taken:
            taken.add(number)
            return number


def _sibling_owner(seat, rooms_by_school):
    """The older child whose family this seat's child belongs to, or None for a family of its own.

    Structural rules, so that pairs are the same at every size: about 1 in 12 primary children in grades
    4–6 has a sibling three grades below, and about 1 in 10 middle-school children a sibling in the
    primary school four grades below; the demo parent's two children are fixed.
    """
    school, g, r, s = seat
    if seat == DEMO_SIBLING:
        return DEMO_CHILD
    if school != "primary":
        return None
    if g <= 3 and s % 12 == 3 and s < rooms_by_school["primary"].get((g + 3, r), 0):
        return ("primary", g + 3, r, s)
    if g <= 5 and s % 20 == 9 and s < rooms_by_school["middle"].get((g + 4, r), 0):
        return ("middle", g + 4, r, s)
    return None


def _plan_students(rooms_by_school):
    seats = [
        (key, g, r, s)
        for key in ("primary", "middle")
        for (g, r), size in sorted(rooms_by_school[key].items())
        for s in range(size)
    ]
    order = {seat: i for i, seat in enumerate(seats)}
    families: dict[tuple, list[tuple]] = {}
    for seat in seats:
        owner = _sibling_owner(seat, rooms_by_school) or seat
        families.setdefault(owner, []).append(seat)

    students: list[StudentPlan] = []
    guardians: list[GuardianPlan] = []
    taken_numbers: set[str] = set()
    for owner, members in sorted(families.items(), key=lambda item: order[item[0]]):
        family = _plan_family(owner, members, taken_numbers)
        students += family[0]
        guardians += family[1]
    students.sort(key=lambda st: order[(st.school, st.grade, st.room, st.seat)])
    return students, guardians


def _plan_family(owner, members, taken_numbers):
    rng = _rng("family", *owner)
    demo = owner == DEMO_CHILD
    # Family circumstances: priority groups named by the policy, a few percent each.
    roll = rng.random()
    left_behind = not demo and roll < 0.03
    migrant = not demo and 0.03 <= roll < 0.10
    difficulty = not demo and rng.random() < (0.08 if migrant or left_behind else 0.025)

    father_surname = DEMO_FAMILY["surname"] if demo else _surname(rng)
    mother_surname = "林" if demo else _surname(rng, avoid=father_surname)
    child_surname = father_surname if demo or rng.random() < 0.94 else mother_surname
    paternal = rng.random() < 0.7
    mother = (
        DEMO_PARENT["full_name"] if demo else _adult_name(rng, female=True, surname=mother_surname)
    )
    father = (
        DEMO_FAMILY["father"] if demo else _adult_name(rng, female=False, surname=father_surname)
    )
    grandfather = (father_surname if paternal else mother_surname) + rng.choice(GRANDFATHER_NAMES)
    grandmother = _surname(rng, avoid=father_surname) + rng.choice(GRANDMOTHER_NAMES)
    gm_rel = Relation.GRANDMOTHER if paternal else Relation.MATERNAL_GRANDMOTHER
    gf_rel = Relation.GRANDFATHER if paternal else Relation.MATERNAL_GRANDFATHER

    # Who is registered (1–2 guardians): parents mostly; grandparents for left-behind children, whose
    # parents work far away, and as the second guardian in some families.
    if left_behind:
        people = [(grandmother, gm_rel, True)]
        if rng.random() < 0.7:
            people.append((grandfather, gf_rel, True))
    else:
        roll = rng.random()
        if demo or roll < 0.62:
            people = [(mother, Relation.MOTHER, True), (father, Relation.FATHER, True)]
        elif roll < 0.80:
            people = [(mother, Relation.MOTHER, True)]
        elif roll < 0.86:
            people = [(father, Relation.FATHER, True)]
        elif roll < 0.94:
            people = [(mother, Relation.MOTHER, True), (grandmother, gm_rel, True)]
        else:
            people = [(father, Relation.FATHER, True), (grandfather, gf_rel, rng.random() < 0.8)]

    students = []
    used_given = set()
    for seat in members:
        school, g, r, s = seat
        srng = _rng("student", *seat)
        gender = Student.Gender.MALE if srng.random() < 0.52 else Student.Gender.FEMALE
        given = None
        if demo:
            given, gender = DEMO_FAMILY["children"][seat]
        while given is None or given in used_given:
            given = srng.choice(BOY_NAMES if gender == Student.Gender.MALE else GIRL_NAMES)
        used_given.add(given)
        students.append(
            StudentPlan(
                school=school,
                grade=g,
                room=r,
                seat=s,
                student_no=_student_no(srng, g, gender, taken_numbers),
                name=child_surname + given,
                gender=gender,
                flags={
                    "is_disabled": not demo and srng.random() < 0.015,
                    "is_left_behind": left_behind,
                    "is_migrant_family": migrant,
                    "is_financial_difficulty": difficulty,
                },
            )
        )
    school, g, r, s = owner
    digit = next(sc["digit"] for sc in SCHOOLS if sc["key"] == school)
    guardians = [
        GuardianPlan(
            name=name,
            mobile=f"{GUARDIAN_MOBILE_PREFIX[relation]}{digit}{g}{r:02d}{s:02d}",
            relation=relation,
            may_pick_up=may_pick_up,
            children=[(st.school, st.student_no) for st in students],
            username=DEMO_PARENT["username"] if demo and relation == Relation.MOTHER else None,
        )
        for name, relation, may_pick_up in people
    ]
    return students, guardians


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

    # Terms and their calendar exceptions.
    name, start, end = _term_dates(today)
    for school in schools.values():
        term, new = Term.objects.get_or_create(
            school=school,
            name=name,
            defaults={"start_date": start, "end_date": end, "service_weekdays": [1, 2, 3, 4, 5]},
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

    # Homerooms, led by their head teachers.
    homerooms = {
        (h.grade_id, h.number): h for h in Homeroom.objects.filter(school__in=schools.values())
    }
    new_rooms, fill_head = [], []
    for (k, g, r), head in sorted(plan.homerooms.items()):
        grade = grades[(schools[k].pk, g)]
        room = homerooms.get((grade.pk, r))
        if room is None:
            new_rooms.append(
                Homeroom(school=schools[k], grade=grade, number=r, head_teacher=users[head])
            )
        elif room.head_teacher_id is None:
            room.head_teacher = users[head]
            fill_head.append(room)
    created["homerooms"] = _bulk(Homeroom, new_rooms)
    if fill_head:
        Homeroom.objects.bulk_update(fill_head, ["head_teacher"])
    homerooms = {
        (h.school_id, h.grade.number, h.number): h
        for h in Homeroom.objects.filter(school__in=schools.values()).select_related("grade")
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
