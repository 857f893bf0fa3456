"""Benchmark: roster import of 3,000 and 20,000 students with guardians, against a plain bulk_create floor.

Creates its own database (``<db>_bench``, from the database named in ``DATABASE_URL``) on that server
(dropped and recreated at start, dropped at the end), so the named database's data is never touched and
runs against different databases never collide. Without a
PostgreSQL ``DATABASE_URL`` it runs on a throwaway SQLite file instead.

Targets (PostgreSQL): 3,000 students ≤ 1 s, 20,000 students ≤ 5 s, first import and re-import alike.
Prints seconds and the ratio to the floor measured in the same run; asserts nothing.
"""

import io
import os
import pathlib
import re
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "afterschool.settings.test"

BENCH_DB = None  # set by _prepare_database: "<the DATABASE_URL's database>_bench"
SIZES = (3_000, 20_000)


def _server(url: str):
    """An autocommit connection to the server's ``postgres`` database, to create and drop ours."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    admin = {
        "host": config.get("HOST"),
        "port": config.get("PORT"),
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "dbname": "postgres",
    }
    return psycopg.connect(**{k: v for k, v in admin.items() if v}, autocommit=True)


def _bench_name(name: str) -> str:
    """The benchmark's own database, named after the one in DATABASE_URL (a safe identifier)."""
    return re.sub(r"[^a-z0-9_]", "_", name.lower())[:50] + "_bench"


def _prepare_database() -> str:
    """Point DATABASE_URL at a fresh benchmark database; return a description of it."""
    import environ

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = pathlib.Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path}"
    global BENCH_DB
    config = environ.Env.db_url_config(url)
    BENCH_DB = _bench_name(config.get("NAME") or "afterschool")
    with _server(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    base = url.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"
    return f"PostgreSQL {BENCH_DB} on {config.get('HOST')}:{config.get('PORT')}"


def _drop_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        return
    from django.db import connections

    connections.close_all()
    with _server(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def roster_rows(n: int) -> list[list]:
    """``n`` students over grades 1–6, 8 classes each; each has a mother, every second one a father."""
    from afterschool.register.roster import COLUMNS

    rows = []
    for i in range(1, n + 1):
        grade, room = i % 6 + 1, i % 8 + 1
        student = {
            "学籍号": f"G{i:018d}",
            "姓名": f"学生{i}",
            "性别": "男" if i % 2 else "女",
            "年级": "",
            "班级": f"{grade}年级({room})班",
            "优先类别": "留守" if i % 10 == 0 else "",
        }
        guardians = [(f"母亲{i}", f"139{i:08d}", "母亲", "是")]
        if i % 2 == 0:
            guardians.append((f"父亲{i}", f"137{i:08d}", "父亲", "否"))
        for name, mobile, relation, pick_up in guardians:
            data = {
                **student,
                "监护人姓名": name,
                "监护人手机": mobile,
                "关系": relation,
                "可接送": pick_up,
            }
            rows.append([data[c] for c in COLUMNS])
    return rows


def xlsx_bytes(rows) -> bytes:
    import openpyxl

    from afterschool.register.roster import COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名册")
    sheet.append(COLUMNS)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    import csv

    from afterschool.register.roster import COLUMNS

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("gb18030")


def _clear(school) -> None:
    from django.contrib.admin.models import LogEntry

    from afterschool.register.models import Grade, Guardian, Guardianship, Homeroom, Student

    Guardianship.objects.all().delete()
    Student.objects.all().delete()
    Guardian.objects.all().delete()
    Homeroom.objects.all().delete()
    Grade.objects.all().delete()
    LogEntry.objects.all().delete()


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def floor(school, rows) -> float:
    """A plain bulk_create of the same students, guardians and links (homerooms exist already)."""
    from django.db import transaction

    from afterschool.register.models import Grade, Guardian, Guardianship, Homeroom, Student

    grades = Grade.objects.bulk_create([Grade(school=school, number=n) for n in range(1, 7)])
    rooms = {
        (g.number, r): h
        for g in grades
        for r, h in (
            (h.number, h)
            for h in Homeroom.objects.bulk_create(
                [Homeroom(school=school, grade=g, number=r) for r in range(1, 9)]
            )
        )
    }
    students, guardians, links = {}, [], []
    for r in rows:
        no, name, gender, _grade, room, g_name, mobile, *_rest = r
        if no not in students:
            grade_n = int(room[0])
            room_n = int(room.split("(")[1].split(")")[0])
            students[no] = Student(
                school=school,
                student_no=no,
                name=name,
                gender="M" if gender == "男" else "F",
                homeroom=rooms[(grade_n, room_n)],
            )
        guardians.append((no, Guardian(district=school.district, name=g_name, mobile=mobile)))

    def run():
        with transaction.atomic():
            Student.objects.bulk_create(list(students.values()))
            Guardian.objects.bulk_create([g for _no, g in guardians], batch_size=2000)
            for no, g in guardians:
                links.append(Guardianship(student=students[no], guardian=g, relation="mother"))
            Guardianship.objects.bulk_create(links, batch_size=2000)

    seconds, _ = _timed(run)
    _clear(school)
    return seconds


def openpyxl_read(data: bytes) -> list:
    """The plain openpyxl way to read a workbook: read-only mode, values only."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def default_mode(school, n: int) -> float:
    """django-import-export's default (non-bulk) ModelResource on ``n`` students, no guardians."""
    import tablib
    from import_export import resources

    from afterschool.register.models import Grade, Homeroom, Student

    grade = Grade.objects.create(school=school, number=3)
    homeroom = Homeroom.objects.create(school=school, grade=grade, number=1)

    class PlainStudentResource(resources.ModelResource):
        class Meta:
            model = Student
            fields = ("student_no", "name", "gender", "homeroom", "school")
            import_id_fields = ("student_no",)

    dataset = tablib.Dataset(headers=["student_no", "name", "gender", "homeroom", "school"])
    for i in range(n):
        dataset.append([f"G{i:018d}", f"学生{i}", "F", homeroom.pk, school.pk])
    seconds, result = _timed(lambda: PlainStudentResource().import_data(dataset, dry_run=False))
    assert not result.has_errors() and not result.has_validation_errors()
    _clear(school)
    return seconds


def main() -> int:
    where = _prepare_database()
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from afterschool.register.models import District, Guardian, School, Student
    from afterschool.register.roster import _check_xlsx, roster_import, roster_read

    try:
        call_command("migrate", verbosity=0)
        print(f"database: {where}")
        district = District.objects.create(name="基准区", code="bench")
        school = School.objects.create(
            district=district, name="基准小学", code="bench-school", stage="primary"
        )
        print(
            f"{'students':>8} {'rows':>6} {'format':>6} {'read':>6} {'first':>7} {'re-import':>9} "
            f"{'floor':>6} {'first/floor':>11} {'re/floor':>8}"
        )
        for n in SIZES:
            rows = roster_rows(n)
            floor_s = floor(school, rows)
            for fmt, data in (("xlsx", xlsx_bytes(rows)), ("csv", csv_bytes(rows))):
                name = f"roster.{fmt}"
                read_s, _ = _timed(lambda d=data, nm=name: roster_read(ContentFile(d, name=nm)))

                def run(d=data, nm=name):
                    return roster_import(
                        school=school,
                        dataset_or_file=ContentFile(d, name=nm),
                        by=None,
                        dry_run=False,
                    )

                first_s, first = _timed(run)
                assert first.saved and first.students_new == n, first.errors[:3]
                again_s, again = _timed(run)
                assert again.saved and again.students_unchanged == n and not again.has_changes
                assert Student.objects.count() == n
                assert Guardian.objects.count() == len(rows)
                print(
                    f"{n:>8} {len(rows):>6} {fmt:>6} {read_s:>6.2f} {first_s:>7.2f} {again_s:>9.2f} "
                    f"{floor_s:>6.2f} {first_s / floor_s:>11.1f} {again_s / floor_s:>8.1f}"
                )
                _clear(school)
        for n in SIZES:
            data = xlsx_bytes(roster_rows(n))
            ours_s, _ = _timed(lambda d=data: roster_read(ContentFile(d, name="roster.xlsx")))
            raw_s, _ = _timed(lambda d=data: openpyxl_read(d))
            guard_s, report = _timed(lambda d=data: _check_xlsx(d))
            print(
                f"reading {n} students' XLSX: calamine (ours) {ours_s:.2f} s, "
                f"raw openpyxl read-only {raw_s:.2f} s, ratio {ours_s / raw_s:.2f}; "
                f"of which the guard {guard_s:.2f} s ({report.unpacked_bytes / 1e6:.1f} MB unpacked, "
                f"{report.cells} cells)"
            )
        plain_s = default_mode(school, 3_000)
        print(
            f"django-import-export default mode (per-row save, students only): 3000 students "
            f"{plain_s:.2f} s"
        )
    finally:
        _drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
