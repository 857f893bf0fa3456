from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from afterschool.register import roster_views, staff_views, views
from afterschool.register.forms import (
    CountedPasswordChangeForm,
    LoginForm,
    QueuedPasswordResetForm,
)

accounts_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activate/", views.activate, name="activate"),
    path("staff/join/", staff_views.staff_join, name="staff-join"),
    path("no-role/", views.no_role, name="no-role"),
    path("me/", views.profile, name="profile"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=CountedPasswordChangeForm,
            success_url=reverse_lazy("accounts:password-change-done"),
        ),
        name="password-change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password-change-done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=QueuedPasswordResetForm,
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password-reset-done"),
        ),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]

school_patterns = [
    path("", views.school_home, name="home"),
    path("<int:school_pk>/", views.school_dashboard, name="dashboard"),
    path("<int:school_pk>/students/", views.student_list, name="student-list"),
    path("<int:school_pk>/staff/", views.staff_list, name="staff-list"),
    path("<int:school_pk>/staff/roles/<int:pk>/remove/", views.role_remove, name="role-remove"),
    path(
        "homerooms/<int:pk>/head-teacher/",
        views.homeroom_head_teacher,
        name="homeroom-head-teacher",
    ),
    path("<int:school_pk>/terms/", views.term_list, name="term-list"),
    path("<int:school_pk>/terms/new/", views.term_edit, name="term-create"),
    path("<int:school_pk>/terms/<int:pk>/", views.term_edit, name="term-update"),
    path("students/<int:pk>/", views.student_detail, name="student-detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student-edit"),
    path(
        "students/<int:student_pk>/guardians/new/",
        views.guardianship_edit,
        name="guardianship-create",
    ),
    path(
        "students/<int:student_pk>/guardians/<int:pk>/",
        views.guardianship_edit,
        name="guardianship-update",
    ),
    path(
        "students/<int:student_pk>/guardians/<int:pk>/reset-code/",
        views.guardian_reset_code_issue,
        name="guardian-reset-code-issue",
    ),
    path(
        "students/<int:student_pk>/guardians/<int:pk>/remove/",
        views.guardianship_remove,
        name="guardianship-remove",
    ),
    path("<int:school_pk>/audit/", views.audit_list, name="audit-list"),
    path(
        "students/<int:pk>/invitation/",
        views.student_invitation_issue,
        name="student-invitation-issue",
    ),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("homerooms/<int:pk>/", views.homeroom_detail, name="homeroom-detail"),
    path(
        "homerooms/<int:pk>/invitations/",
        views.homeroom_invitations_issue,
        name="homeroom-invitations-issue",
    ),
    path("homerooms/<int:pk>/letters/", views.homeroom_letters, name="homeroom-letters"),
    # Staff invitations (staff_views.py).
    *staff_views.school_urlpatterns,
    # Roster import and export (roster_views.py).
    *roster_views.urlpatterns,
]

teacher_patterns = [
    path("", views.teacher_today, name="today"),
]

family_patterns = [
    path("", views.family_home, name="home"),
    path("children/<int:pk>/", views.family_child, name="child"),
]
