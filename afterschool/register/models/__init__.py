"""The register's models, one module a part: accounts (users, districts, schools), the calendar (terms and
their days), classes (grades, homerooms, teaching), people (students, guardians), roles and parents' codes,
staff invitations, and the product's audit trail. Import them from here."""

from afterschool.register.models.accounts import District, School, User, mask_mobile
from afterschool.register.models.audit import AppendOnlyError, AuditEntry, AuditEntryQuerySet
from afterschool.register.models.calendar import (
    WEEKDAY_NAMES,
    SchoolYear,
    Term,
    TermDay,
    default_service_weekdays,
)
from afterschool.register.models.classes import Grade, Homeroom, TeachingAssignment, grade_name
from afterschool.register.models.people import Guardian, Guardianship, HomeroomMembership, Student
from afterschool.register.models.roles import InvitationCode, InvitationCodeQuerySet, Role
from afterschool.register.models.staff import StaffInvitation, StaffInvitationQuerySet

__all__ = [
    "WEEKDAY_NAMES",
    "AppendOnlyError",
    "AuditEntry",
    "AuditEntryQuerySet",
    "District",
    "Grade",
    "Guardian",
    "Guardianship",
    "Homeroom",
    "HomeroomMembership",
    "InvitationCode",
    "InvitationCodeQuerySet",
    "Role",
    "School",
    "SchoolYear",
    "StaffInvitation",
    "StaffInvitationQuerySet",
    "Student",
    "TeachingAssignment",
    "Term",
    "TermDay",
    "User",
    "default_service_weekdays",
    "grade_name",
    "mask_mobile",
]
