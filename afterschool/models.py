"""The site app's models live in its modules; Django finds them here."""

from afterschool.register.models import (  # noqa: F401
    AuditEntry,
    District,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    InvitationCode,
    Role,
    School,
    Student,
    TeachingAssignment,
    Term,
    TermDay,
    User,
)
from afterschool.register.models_staff import StaffInvitation  # noqa: F401
