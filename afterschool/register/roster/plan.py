"""Comparing the clean lines with the register: what to create, change, or keep; then writing it."""

from __future__ import annotations

from collections.abc import Iterator

import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from afterschool.register import audit_entries
from afterschool.register.audit import audit_entry, audit_record_many
from afterschool.register.bulk import insert_rows
from afterschool.register.models import (
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    HomeroomMembership,
    School,
    SchoolYear,
    Student,
)
from afterschool.register.roster.columns import _gender_label, _masked, _relation_label
from afterschool.register.roster.parse import _homeroom_text, _Line, _priorities_text
from afterschool.register.roster.resource import StudentResource
from afterschool.register.roster.results import RosterChange, RosterResult
from afterschool.register.rules import school_names_guardian

# --- The service ------------------------------------------------------------------------------------


def _chunks(items: list, size: int = 5000) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Plan:
    """Compares the clean lines with the database: what to create, what to update, what is unchanged."""

    def __init__(self, school: School, lines: list[_Line], result: RosterResult, year: SchoolYear):
        self.school = school
        self.lines = lines
        self.result = result
        # The school year the file's classes are in: its homerooms are looked up and made in it.
        self.year = year

    def build(self) -> None:
        school, result = self.school, self.result
        students: dict[str, _Line] = {}
        for line in self.lines:
            students.setdefault(line.student_no, line)
        self.students = students

        self.grades = {g.number: g for g in Grade.objects.filter(school=school)}
        rooms = list(Homeroom.objects.filter(school=school).select_related("grade"))
        self.homerooms = {
            (h.grade.number, h.number): h for h in rooms if h.school_year_id == self.year.pk
        }
        wanted_rooms = {(s.grade, s.room) for s in students.values()}
        self.new_grades = sorted({g for g, _r in wanted_rooms} - set(self.grades))
        self.new_rooms = sorted(wanted_rooms - set(self.homerooms))
        result.grades_new = len(self.new_grades)
        result.homerooms_new = len(self.new_rooms)
        # A child's class in this year: their membership of it, else their current class if it is this
        # year's. Next year's roster finds none: every child moves up (升入) to a class of the new year.
        room_of_id = {h.pk: (h.grade.number, h.number) for h in rooms}
        year_of_room = {h.pk: h.school_year_id for h in rooms}

        # Existing rows are read as named tuples, not model instances: on a re-import of 20,000
        # students nearly all of them are unchanged and never become objects.
        self.existing = {}
        for chunk in _chunks(list(students)):
            for s in Student.objects.filter(school=school, student_no__in=chunk).values_list(
                "pk",
                "student_no",
                "name",
                "gender",
                "homeroom_id",
                *Student.PRIORITY_FIELDS,
                named=True,
            ):
                self.existing[s.student_no] = s
        self.memberships = {}
        for chunk in _chunks([s.pk for s in self.existing.values()] if self.year.pk else []):
            for student_id, membership_id, homeroom_id in HomeroomMembership.objects.filter(
                school_year=self.year, student_id__in=chunk
            ).values_list("student_id", "pk", "homeroom_id"):
                self.memberships[student_id] = (membership_id, homeroom_id)
        self.student_rows: list[_Line] = []
        self.student_nos_to_write: set[str] = set()
        for no, line in students.items():
            old = self.existing.get(no)
            if old is None:
                result.students_new += 1
                result.students_added.append(line)
                self.student_rows.append(line)
                continue
            diffs = []
            if old.name != line.name:
                diffs.append(_("姓名“{a}”改为“{b}”").format(a=old.name, b=line.name))
            if old.gender != line.gender:
                diffs.append(
                    _("性别“{a}”改为“{b}”").format(
                        a=_gender_label(old.gender), b=_gender_label(line.gender)
                    )
                )
            member = self.memberships.get(old.pk)
            if member is not None:
                old_room = room_of_id.get(member[1])
            elif year_of_room.get(old.homeroom_id) == self.year.pk:
                old_room = room_of_id.get(old.homeroom_id)
            else:
                old_room = None
            if old_room is None:
                diffs.append(
                    _("{year}编入“{b}”（原为“{a}”）").format(
                        year=self.year.name,
                        a=_homeroom_text(*room_of_id[old.homeroom_id])
                        if old.homeroom_id in room_of_id
                        else "?",
                        b=_homeroom_text(line.grade, line.room),
                    )
                )
            elif old_room != (line.grade, line.room):
                diffs.append(
                    _("班级“{a}”改为“{b}”").format(
                        a=_homeroom_text(*old_room), b=_homeroom_text(line.grade, line.room)
                    )
                )
            old_priorities = frozenset(f for f in Student.PRIORITY_FIELDS if getattr(old, f))
            if old_priorities != line.priorities:
                diffs.append(
                    _("优先类别“{a}”改为“{b}”").format(
                        a=_priorities_text(old_priorities) or _("无"),
                        b=_priorities_text(line.priorities) or _("无"),
                    )
                )
            if diffs:
                result.students_updated += 1
                self.student_nos_to_write.add(no)
                subject = _("学生 {no} {name}").format(no=no, name=line.name)
                result.changes.append(RosterChange(line.row, "update", subject, "；".join(diffs)))
                self.student_rows.append(line)
            else:
                result.students_unchanged += 1

        # Guardians: matched by mobile among the district's records only. A mobile another district
        # registered is a new guardian here, and nothing of that district's record is read.
        guardian_lines: dict[str, _Line] = {}
        for line in self.lines:
            if line.mobile:
                guardian_lines.setdefault(line.mobile, line)
        self.guardians = {}
        for chunk in _chunks(list(guardian_lines)):
            for g in Guardian.objects.filter(
                district=school.district_id, mobile__in=chunk
            ).values_list("pk", "mobile", "name", named=True):
                self.guardians[g.mobile] = g
        existing_ids = [s.pk for s in self.existing.values()]
        self.links = {}
        for chunk in _chunks(existing_ids):
            for link in Guardianship.objects.filter(student_id__in=chunk).values_list(
                "pk", "student_id", "guardian_id", "relation", "may_pick_up", named=True
            ):
                self.links[(link.student_id, link.guardian_id)] = link
        # The schools (all of this district) each known guardian's children attend.
        schools_of: dict[int, set[int]] = {}
        for chunk in _chunks([g.pk for g in self.guardians.values()]):
            for guardian_id, school_id in (
                Guardianship.objects.filter(guardian_id__in=chunk)
                .order_by()
                .values_list("guardian_id", "student__school_id")
                .distinct()
            ):
                schools_of.setdefault(guardian_id, set()).add(school_id)
        self.new_guardians: list[_Line] = []
        self.renamed: list[Guardian] = []
        for mobile, line in guardian_lines.items():
            guardian = self.guardians.get(mobile)
            if guardian is None:
                result.guardians_new += 1
                self.new_guardians.append(line)
                continue
            schools = schools_of.get(guardian.pk, set())
            # Counted as new when new to this school: the count must not tell that the mobile is
            # already registered elsewhere.
            if school.pk not in schools:
                result.guardians_new += 1
            if guardian.name == line.guardian_name:
                continue
            subject = _("监护人 {name}（{mobile}）").format(
                name=line.guardian_name, mobile=_masked(mobile)
            )
            if not school_names_guardian(guardian_schools=schools, school_id=school.pk):
                # Another school of the district has the record: linked under the name it has. The
                # name is the one person's, as the other school typed it; it shows a mistyped mobile
                # before a stranger is linked. The other school and its children are never named.
                result.notes.append(
                    RosterChange(
                        line.row,
                        "note",
                        subject,
                        _("手机号 {mobile} 已登记在其他学校，姓名保持为“{name}”").format(
                            mobile=_masked(mobile), name=guardian.name
                        ),
                    )
                )
            elif schools:
                # Only this school's children: its roster decides the name.
                result.guardians_renamed += 1
                self.renamed.append(guardian)
                result.changes.append(
                    RosterChange(
                        line.row,
                        "update",
                        subject,
                        _("该手机号已登记的监护人姓名“{a}”将更新为“{b}”（以本校名册为准）").format(
                            a=guardian.name, b=line.guardian_name
                        ),
                    )
                )
            else:
                # Linked to no student at all: to this school a new guardian (counted above), named
                # as its roster says, without telling that the mobile was registered before.
                self.renamed.append(guardian)

        # Links: one per (student, guardian mobile).
        self.new_links: list[_Line] = []
        self.changed_links = []
        seen = set()
        for line in self.lines:
            if not line.mobile or (line.student_no, line.mobile) in seen:
                continue
            seen.add((line.student_no, line.mobile))
            student = self.existing.get(line.student_no)
            guardian = self.guardians.get(line.mobile)
            link = self.links.get((student.pk, guardian.pk)) if student and guardian else None
            if link is None:
                result.links_new += 1
                result.links_added.append(line)
                self.new_links.append(line)
            elif link.relation != line.relation or link.may_pick_up != line.may_pick_up:
                result.links_updated += 1
                self.changed_links.append((link, line))
                subject = _("学生 {no} 与监护人 {name}").format(
                    no=line.student_no, name=line.guardian_name
                )
                diffs = []
                if link.relation != line.relation:
                    diffs.append(
                        _("关系“{a}”改为“{b}”").format(
                            a=_relation_label(link.relation),
                            b=_relation_label(line.relation),
                        )
                    )
                if link.may_pick_up != line.may_pick_up:
                    diffs.append(
                        _("可接送“{a}”改为“{b}”").format(
                            a=_("是") if link.may_pick_up else _("否"),
                            b=_("是") if line.may_pick_up else _("否"),
                        )
                    )
                withdrawn = link.may_pick_up and not line.may_pick_up
                result.changes.append(
                    RosterChange(
                        line.row, "withdraw" if withdrawn else "update", subject, "；".join(diffs)
                    )
                )
            else:
                result.links_unchanged += 1
        result.changes.sort(key=lambda c: c.row)
        result.notes.sort(key=lambda c: c.row)

    def write(self, by) -> None:
        school = self.school
        if self.new_grades:
            created = Grade.objects.bulk_create(
                [Grade(school=school, number=n) for n in self.new_grades]
            )
            self.grades.update({g.number: g for g in created})
        if self.new_rooms:
            created = Homeroom.objects.bulk_create(
                [
                    Homeroom(school=school, school_year=self.year, grade=self.grades[g], number=r)
                    for g, r in self.new_rooms
                ]
            )
            self.homerooms.update({(h.grade.number, h.number): h for h in created})

        students = {no: s.pk for no, s in self.existing.items()}
        # New students go in as plain rows (COPY on PostgreSQL), like guardians and links: through the
        # resource below each new row cost as much as reading and checking it.
        added = [line for line in self.student_rows if line.student_no not in self.existing]
        if added:
            now = timezone.now()
            rows = [
                (
                    school.pk,
                    line.student_no,
                    line.name,
                    line.gender,
                    self.homerooms[(line.grade, line.room)].pk,
                    Student.Status.ENROLLED,
                    *(f in line.priorities for f in Student.PRIORITY_FIELDS),
                    now,
                    now,
                )
                for line in added
            ]
            columns = ["school_id", "student_no", "name", "gender", "homeroom_id", "status"]
            columns += [*Student.PRIORITY_FIELDS, "created_at", "updated_at"]
            ids = insert_rows(Student, columns, rows, return_ids=True)
            students.update({line.student_no: pk for line, pk in zip(added, ids, strict=True)})
        changed_rows = [line for line in self.student_rows if line.student_no in self.existing]
        if changed_rows:
            dataset = tablib.Dataset(headers=StudentResource.dataset_headers())
            for line in changed_rows:
                dataset.append(
                    [
                        line.student_no,
                        line.name,
                        line.gender,
                        self.homerooms[(line.grade, line.room)].pk,
                        *(f in line.priorities for f in Student.PRIORITY_FIELDS),
                    ]
                )
            changed = [s.pk for no, s in self.existing.items() if no in self.student_nos_to_write]
            known = {
                s.student_no: s
                for chunk in _chunks(changed)
                for s in Student.objects.filter(pk__in=chunk)
            }
            resource = StudentResource(school=school, known_students=known)
            resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
            students.update({no: s.pk for no, s in resource.instances.items()})

        self.write_memberships(students)

        guardians = {mobile: g.pk for mobile, g in self.guardians.items()}
        if self.new_guardians:
            rows = [
                (school.district_id, line.guardian_name, line.mobile) for line in self.new_guardians
            ]
            ids = insert_rows(Guardian, ["district_id", "name", "mobile"], rows, return_ids=True)
            guardians.update({row[2]: pk for row, pk in zip(rows, ids, strict=True)})
        if self.renamed:
            names = {line.mobile: line.guardian_name for line in self.lines if line.mobile}
            Guardian.objects.bulk_update(
                [Guardian(pk=g.pk, mobile=g.mobile, name=names[g.mobile]) for g in self.renamed],
                ["name"],
                batch_size=2000,
            )

        if self.new_links:
            insert_rows(
                Guardianship,
                ["student_id", "guardian_id", "relation", "may_pick_up"],
                [
                    (
                        students[line.student_no],
                        guardians[line.mobile],
                        line.relation,
                        line.may_pick_up,
                    )
                    for line in self.new_links
                ],
            )
        if self.changed_links:
            Guardianship.objects.bulk_update(
                [
                    Guardianship(pk=link.pk, relation=line.relation, may_pick_up=line.may_pick_up)
                    for link, line in self.changed_links
                ],
                ["relation", "may_pick_up"],
                batch_size=2000,
            )
        self.record_pickup_changes(by, students)

    def write_memberships(self, students: dict[str, int]) -> None:
        """Each child of the file in their class of this year: a new membership, or a changed one."""
        new, changed = [], []
        for no, line in self.students.items():
            room = self.homerooms[(line.grade, line.room)].pk
            member = self.memberships.get(students[no])
            if member is None:
                new.append((students[no], room, self.year.pk))
            elif member[1] != room:
                changed.append(HomeroomMembership(pk=member[0], homeroom_id=room))
        insert_rows(HomeroomMembership, ["student_id", "homeroom_id", "school_year_id"], new)
        if changed:
            HomeroomMembership.objects.bulk_update(changed, ["homeroom_id"], batch_size=2000)

    def record_pickup_changes(self, by, students: dict[str, int]) -> None:
        """One audit entry per grant or withdrawal of a guardian's permission to pick a child up."""
        names = {mobile: g.name for mobile, g in self.guardians.items()}
        names.update({g.mobile: line_name for g, line_name in self._renamed_names()})
        for line in self.new_guardians:
            names[line.mobile] = line.guardian_name
        source = _("名册导入“{file}”").format(file=self.result.file_name or "-")
        changes = [(line, None, line.may_pick_up) for line in self.new_links]
        changes += [(line, link.may_pick_up, line.may_pick_up) for link, line in self.changed_links]
        entries = []
        for line, before, after in changes:
            if bool(before) == bool(after):
                continue
            entries.append(
                audit_entry(
                    by=by,
                    action=audit_entries.PICKUP_GRANT if after else audit_entries.PICKUP_WITHDRAW,
                    school=self.school,
                    target=Student(pk=students[line.student_no], name=line.name),
                    guardian=f"{names[line.mobile]}（{_masked(line.mobile)}）",
                    relation=_relation_label(line.relation),
                    source=source,
                )
            )
        audit_record_many(entries)

    def _renamed_names(self):
        names = {line.mobile: line.guardian_name for line in self.lines if line.mobile}
        return [(g, names[g.mobile]) for g in self.renamed]
