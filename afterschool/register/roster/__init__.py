"""Roster import and export: a school's students with their guardians, from and to XLSX or CSV.

One service, ``roster_import`` (``service.py``), serves the school admin's page, the Django admin and the
``import_roster`` command. It reads the file (``files.py``: an XLSX is first parsed by ``xlsx_guard``), checks
every row in one pass (``parse.py``), compares it with the register (``plan.py``) and only then writes, all in
one transaction. One bad row and nothing is written. One row is one guardian link: a student with two
guardians appears on two rows with the same 学籍号.
"""

from afterschool.register.roster.admin import RosterResource
from afterschool.register.roster.columns import (
    COLUMNS,
    EXAMPLE_STUDENT_NO,
    PREVIEW_LIMIT,
    ROSTER_UPLOAD_FOLDER,
    roster_upload_storage,
)
from afterschool.register.roster.export import roster_export, roster_rows, roster_template
from afterschool.register.roster.files import (
    ADMIN_FORMATS,
    _check_xlsx,
    roster_check_size,
    roster_file_message,
    roster_format_for,
    roster_read,
    roster_sniff,
)
from afterschool.register.roster.resource import StudentResource
from afterschool.register.roster.results import RosterFileError
from afterschool.register.roster.service import roster_import, roster_years

__all__ = [
    "ADMIN_FORMATS",
    "COLUMNS",
    "EXAMPLE_STUDENT_NO",
    "PREVIEW_LIMIT",
    "ROSTER_UPLOAD_FOLDER",
    "RosterFileError",
    "RosterResource",
    "StudentResource",
    "_check_xlsx",
    "roster_check_size",
    "roster_export",
    "roster_file_message",
    "roster_format_for",
    "roster_import",
    "roster_years",
    "roster_read",
    "roster_rows",
    "roster_sniff",
    "roster_template",
    "roster_upload_storage",
]
