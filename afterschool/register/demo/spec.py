"""What the demo district is: its schools, sizes, subjects and the four documented accounts."""

from dataclasses import dataclass, field

from afterschool.register.models import (
    School,
)

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

    def created_labels(self) -> list[tuple[str, int]]:
        """What was created, by its Chinese name (for ``seed_demo``'s report)."""
        return [(CREATED_LABELS[k], n) for k, n in self.created.items()]


CREATED_LABELS = {
    "district": "区县",
    "schools": "学校",
    "terms": "学期",
    "term_days": "校历调整",
    "grades": "年级",
    "homerooms": "班级",
    "users": "账号",
    "roles": "角色",
    "teaching_assignments": "任课安排",
    "students": "学生",
    "guardians": "监护人",
    "guardianships": "监护关系",
}
