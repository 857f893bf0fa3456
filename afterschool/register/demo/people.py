"""Who is who in the demo district, decided without the database: names, numbers, families."""

import datetime
import hashlib
import random

from afterschool.register.demo.spec import (
    COHORT_YEAR,
    DEMO_ADMIN,
    DEMO_BUREAU,
    DEMO_CHILD,
    DEMO_FAMILY,
    DEMO_PARENT,
    DEMO_SIBLING,
    DEMO_TEACHER,
    DEMO_TEACHER_SEAT,
    SCHOOLS,
    SIZES,
    DemoPlan,
    GuardianPlan,
    StaffPlan,
    StudentPlan,
)
from afterschool.register.models import (
    Guardianship,
    Role,
    School,
    Student,
)

Kind = Role.Kind
Relation = Guardianship.Relation


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
