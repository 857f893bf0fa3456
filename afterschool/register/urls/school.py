"""A school's register for its administrators (and, read-only, its bureau; head teachers for their class):
students and guardians, classes, staff, terms, the audit trail, the roster. Mounted at /school/; the
school's dashboard is a role home (``afterschool.home``)."""

from django.urls import path

from afterschool.register.views import audit, homerooms, roster, staff, students, terms

app_name = "school"

urlpatterns = [
    path("<int:school_pk>/students/", students.student_list, name="student-list"),
    path("students/<int:pk>/", students.student_detail, name="student-detail"),
    path("students/<int:pk>/edit/", students.student_edit, name="student-edit"),
    path(
        "students/<int:student_pk>/guardians/new/",
        students.guardianship_edit,
        name="guardianship-create",
    ),
    path(
        "students/<int:student_pk>/guardians/<int:pk>/",
        students.guardianship_edit,
        name="guardianship-update",
    ),
    path(
        "students/<int:student_pk>/guardians/<int:pk>/reset-code/",
        students.guardian_reset_code_issue,
        name="guardian-reset-code-issue",
    ),
    path(
        "students/<int:student_pk>/guardians/<int:pk>/remove/",
        students.guardianship_remove,
        name="guardianship-remove",
    ),
    path(
        "students/<int:pk>/invitation/",
        students.student_invitation_issue,
        name="student-invitation-issue",
    ),
    path("invitations/<int:pk>/revoke/", students.invitation_revoke, name="invitation-revoke"),
    path("homerooms/<int:pk>/", homerooms.homeroom_detail, name="homeroom-detail"),
    path(
        "homerooms/<int:pk>/head-teacher/",
        homerooms.homeroom_head_teacher,
        name="homeroom-head-teacher-set",
    ),
    path(
        "homerooms/<int:pk>/invitations/",
        homerooms.homeroom_invitations_issue,
        name="homeroom-invitations-issue",
    ),
    path("homerooms/<int:pk>/letters/", homerooms.homeroom_letters, name="homeroom-letters-print"),
    path("<int:school_pk>/staff/", staff.staff_list, name="staff-list"),
    path("<int:school_pk>/staff/roles/<int:pk>/remove/", staff.role_remove, name="role-remove"),
    path(
        "<int:school_pk>/staff/invitations/<int:pk>/revoke/",
        staff.staff_invitation_revoke,
        name="staff-invitation-revoke",
    ),
    path(
        "<int:school_pk>/staff/invitations/<int:pk>/reissue/",
        staff.staff_invitation_reissue,
        name="staff-invitation-reissue",
    ),
    path("<int:school_pk>/terms/", terms.term_list, name="term-list"),
    path("<int:school_pk>/terms/new/", terms.term_edit, name="term-create"),
    path("<int:school_pk>/terms/<int:pk>/", terms.term_edit, name="term-update"),
    path("<int:school_pk>/audit/", audit.audit_list, name="audit-list"),
    path("<int:school_pk>/roster/import/", roster.roster_import_view, name="roster-import"),
    path(
        "<int:school_pk>/roster/import/confirm/",
        roster.roster_import_confirm,
        name="roster-import-confirm",
    ),
    path("<int:school_pk>/roster/export/", roster.roster_export_view, name="roster-export"),
    path(
        "<int:school_pk>/roster/template/",
        roster.roster_template_view,
        name="roster-template-download",
    ),
]
