"""``roster_import``: the one service behind the school's page, the Django admin and ``import_roster``."""

from __future__ import annotations

import contextlib
import datetime
import gc
import logging
import os

import tablib
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import exceptions as import_export_exceptions

from afterschool.register import audit_entries
from afterschool.register.audit import audit_record
from afterschool.register.models import (
    School,
    SchoolYear,
)
from afterschool.register.roster.columns import COLUMNS
from afterschool.register.roster.files import roster_file_message, roster_read
from afterschool.register.roster.parse import _Parser
from afterschool.register.roster.plan import _Plan
from afterschool.register.roster.results import (
    RosterFileError,
    RosterResult,
    RowError,
)

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while tens of thousands of rows and instances are alive.

    They are all reachable until the import ends, so each collection scans them in vain; on 20,000
    students this took about a third of the import's time. Collection resumes (and catches up) after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def roster_import(
    *,
    school: School,
    dataset_or_file,
    by=None,
    dry_run: bool,
    file_name: str = "",
    expect_fingerprint: str | None = None,
    school_year: SchoolYear | None = None,
) -> RosterResult:
    """Import a roster of students with guardians into ``school``: all rows or none.

    The file's classes are ``school_year``'s (default: the year running today); next year's roster makes
    next year's classes and moves the children into them, while last year's classes and records stay.

    ``dataset_or_file`` is a ``tablib.Dataset`` or a file (an upload, or any object with ``name`` and
    ``read``). With ``dry_run`` nothing is written and the result is the preview. ``by`` is the user
    recorded in the audit trail (None for a command run without ``--user``). ``expect_fingerprint``
    is the previewed result's ``fingerprint``: when the plan made now differs, nothing is written and
    the result, marked ``stale``, is the new preview.
    """
    with _gc_paused():
        return _roster_import(
            school=school,
            dataset_or_file=dataset_or_file,
            by=by,
            dry_run=dry_run,
            file_name=file_name,
            expect_fingerprint=expect_fingerprint,
            school_year=school_year,
        )


def roster_years(school: School) -> list[SchoolYear]:
    """The years a roster may be imported into: the one running today and the next (a new class list
    arrives in the summer before September)."""
    today = timezone.localdate()
    this = SchoolYear.objects.on(school, today)
    return [this, SchoolYear.objects.on(school, this.end_date + datetime.timedelta(days=1))]


def _roster_import(
    *, school, dataset_or_file, by, dry_run, file_name, expect_fingerprint, school_year
) -> RosterResult:
    file_name = file_name or os.path.basename(getattr(dataset_or_file, "name", "") or "")
    year = school_year or roster_years(school)[0]
    result = RosterResult(school=school, file_name=file_name, dry_run=dry_run, school_year=year)
    if year.school_id != school.pk or year.start_date not in {
        y.start_date for y in roster_years(school)
    }:
        result.errors.append(RowError(None, None, _("只能导入本学年或下一学年的名册。")))
        return result
    if isinstance(dataset_or_file, tablib.Dataset):
        dataset = dataset_or_file
    else:
        try:
            dataset = roster_read(dataset_or_file)
        except RosterFileError as e:
            result.errors.append(RowError(None, None, roster_file_message(file_name, e.message)))
            return result

    parser = _Parser(school, dataset)
    parser.parse()
    result.rows = parser.rows
    result.errors = sorted(parser.errors, key=_error_order)
    result.errors_omitted = parser.error_count - len(parser.errors)
    result.bad_rows = len(parser.error_rows)
    try:
        with transaction.atomic():
            if not dry_run and not result.errors:
                # One import per school at a time: a second one waits and then sees the first's rows.
                School.objects.select_for_update().filter(pk=school.pk).exists()
            if not dry_run and not result.errors and year.pk is None:
                year.save()
            plan = _Plan(school, parser.lines, result, year)
            plan.build()
            if (
                expect_fingerprint is not None
                and not result.errors
                and result.fingerprint != expect_fingerprint
            ):
                result.stale = True
                result.errors.append(
                    RowError(None, None, _("预览之后名册已有变动，请核对新的预览后再确认导入。"))
                )
                return result
            if dry_run or result.errors:
                return result
            plan.write(by)
            _log(result, by)
            result.saved = True
    except (IntegrityError, DatabaseError) as e:
        _save_failed(result, e)
    except import_export_exceptions.ImportError as e:
        # The students' resource (raise_errors=True) wraps a database error in its own exception.
        if not isinstance(e.error, DatabaseError):
            raise
        _save_failed(result, e.error)
    return result


def _save_failed(result: RosterResult, error: DatabaseError) -> None:
    """The transaction was rolled back: say so, without the database's own words."""
    logger.warning("roster import into %s failed: %r", result.school.code, error)
    result.saved = False
    result.errors.append(
        RowError(
            None,
            None,
            _("保存时发生冲突（可能有人同时在修改名册），没有导入任何数据。请稍后重试。"),
        )
    )


def _error_order(error: RowError) -> tuple[int, int]:
    return error.row or 0, COLUMNS.index(error.column) if error.column in COLUMNS else len(COLUMNS)


def _log(result: RosterResult, by) -> None:
    """Record who imported what in the register's audit trail (``by`` may be None for a command run)."""
    logger.info(
        "roster import into %s by %s from %r: %s",
        result.school.code,
        getattr(by, "pk", None),
        result.file_name,
        result.summary(),
    )
    audit_record(
        by=by,
        action=audit_entries.ROSTER_IMPORT,
        school=result.school,
        label=result.file_name or "-",
        summary=result.summary(),
        rows=result.rows,
        students_new=result.students_new,
        students_updated=result.students_updated,
        students_unchanged=result.students_unchanged,
        guardians_new=result.guardians_new,
        guardians_renamed=result.guardians_renamed,
        links_new=result.links_new,
        links_updated=result.links_updated,
        grades_new=result.grades_new,
        homerooms_new=result.homerooms_new,
        # The first changes, for the record; pickup permissions are each an entry of their own.
        changes=[str(c) for c in result.changes[:200]],
        pickups_withdrawn=[str(c) for c in result.pickups_withdrawn[:200]],
        notes=[str(n) for n in result.notes[:200]],
    )
