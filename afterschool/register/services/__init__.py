"""Changes to the register. Each service validates, saves inside a transaction and records who did it."""

from afterschool.register.services.accounts import user_email_set
from afterschool.register.services.invitations import (
    TooManyAttempts,
    invitation_code_issue,
    invitation_code_revoke,
    normalize_invitation_code,
    parent_account_activate,
)
from afterschool.register.services.schools import bureau_staff_add, district_save, school_save
from afterschool.register.services.staff import (
    homeroom_head_teacher_set,
    role_remove,
    staff_add,
    staff_invitation_accept,
    staff_invitation_reissue,
    staff_invitation_revoke,
)
from afterschool.register.services.students import (
    guardian_name_kept,
    guardianship_remove,
    guardianship_save,
    student_update,
)
from afterschool.register.services.terms import school_year_ensure, term_save

__all__ = [
    "school_year_ensure",
    "bureau_staff_add",
    "district_save",
    "school_save",
    "TooManyAttempts",
    "guardian_name_kept",
    "guardianship_remove",
    "guardianship_save",
    "homeroom_head_teacher_set",
    "invitation_code_issue",
    "invitation_code_revoke",
    "normalize_invitation_code",
    "parent_account_activate",
    "role_remove",
    "staff_add",
    "staff_invitation_accept",
    "staff_invitation_reissue",
    "staff_invitation_revoke",
    "student_update",
    "term_save",
    "user_email_set",
]
