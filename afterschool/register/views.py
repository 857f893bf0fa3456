"""Pages of the register: accounts, the school's dashboard and roster, the teacher's day, the family home."""

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from afterschool.register import permissions, selectors, services, staff_views, throttle
from afterschool.register.audit import audit_action_choices, audit_sentence
from afterschool.register.client import client_ip
from afterschool.register.forms import (
    AccountEmailForm,
    ActivationForm,
    GuardianshipForm,
    HeadTeacherForm,
    StaffAddForm,
    StudentFilterForm,
    StudentForm,
    TermForm,
    apply_service_errors,
)
from afterschool.register.models import School
from afterschool.register.params import int_param, text_param


@login_required
def home(request):
    return redirect(permissions.home_url_name(request.user))


@login_required
def no_role(request):
    return render(request, "accounts/no_role.html")


@login_required
def profile(request):
    """我的账号: who I am here, and for staff the e-mail address a forgotten password is reset through."""
    user = request.user
    is_staff = permissions.is_staff_member(user)
    form = AccountEmailForm(request.POST or None, user=user, initial={"email": user.email})
    if request.method == "POST":
        if not is_staff:
            raise Http404
        if form.is_valid():
            try:
                services.user_email_set(user=user, email=form.cleaned_data["email"], by=user)
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                messages.success(request, _("找回密码邮箱已保存。"))
                return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form if is_staff else None, "is_staff": is_staff},
    )


ACTIVATION_CODE_SESSION_KEY = "activation_code"


def activate(request):
    """Parents activate their account (or add a child, or reset a forgotten password) with a school code.

    The letter's QR code opens ``?code=…``: the code is kept in the session and the page reloaded without it,
    so it stays out of the browser's history, the Referer of the next request and the access logs after this one.
    """
    if request.method == "GET" and "code" in request.GET:
        code = services.normalize_invitation_code(text_param(request.GET, "code", max_length=32))[
            :20
        ]
        request.session[ACTIVATION_CODE_SESSION_KEY] = code
        return redirect("accounts:activate")
    logged_in = request.user.is_authenticated
    form = ActivationForm(
        request.POST or None,
        logged_in=logged_in,
        initial={"code": request.session.get(ACTIVATION_CODE_SESSION_KEY, "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ip = client_ip(request)
        code = services.normalize_invitation_code(data["code"])
        if not throttle.activation_attempt(ip=ip, code=code):
            form.add_error(None, _("尝试次数过多，请一小时后再试，或联系班主任。"))
            return render(request, "accounts/activate.html", {"form": form}, status=429)
        try:
            user = services.parent_account_activate(
                code=code,
                mobile=data["mobile"],
                password=data.get("password1", ""),
                user=request.user if logged_in else None,
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            throttle.activation_succeeded(ip=ip, code=code)
            request.session.pop(ACTIVATION_CODE_SESSION_KEY, None)
            if not logged_in:
                login(
                    request, user, backend="afterschool.register.backends.UsernameOrMobileBackend"
                )
            messages.success(request, _("绑定成功。今后可用手机号和密码登录。"))
            return redirect("family:home")
    return render(request, "accounts/activate.html", {"form": form})


# --- School administration --------------------------------------------------------------------------


def _managed_school_or_404(request, school_pk) -> School:
    school = selectors.school_get(request.user, school_pk)
    if not permissions.can_manage_school(request.user, school):
        raise Http404
    return school


@login_required
def school_home(request):
    """A school admin's landing page: their school's dashboard (the first, if they run several)."""
    schools = selectors.schools_for_user(request.user).filter(
        pk__in=permissions.school_ids_with(request.user, permissions.Kind.SCHOOL_ADMIN)
    )
    school = schools.first()
    if school is None:
        raise Http404
    return redirect("school:dashboard", school_pk=school.pk)


@login_required
def school_dashboard(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    grades = selectors.grades_with_counts(school=school)
    context = {
        "school": school,
        "term": selectors.current_term(school),
        "grades": grades,
        "student_total": sum(g.student_count for g in grades),
        "homeroom_total": sum(g.homeroom_count for g in grades),
        **selectors.school_people_counts(school=school),
        "can_manage": permissions.can_manage_school(request.user, school),
    }
    return render(request, "register/school_dashboard.html", context)


@login_required
def student_list(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    homerooms = selectors.homerooms_with_counts(request.user, school=school)
    filters = StudentFilterForm(
        request.GET, grades=selectors.grades_of_school(school=school), homerooms=homerooms
    )
    filters.is_valid()  # a bad value is named on the page; the valid filters still apply
    grade = filters.cleaned_data.get("grade")
    homeroom = filters.cleaned_data.get("homeroom")
    query = (filters.cleaned_data.get("q") or "").strip()
    students = selectors.student_list(
        request.user, school=school, grade=grade, homeroom=homeroom, query=query
    )
    page = Paginator(students, 50).get_page(int_param(request.GET, "page"))
    return render(
        request,
        "register/student_list.html",
        {
            "school": school,
            "filters": filters,
            "grades": filters.fields["grade"].choices,
            "grade": grade,
            "homerooms": [h for h in homerooms if grade is None or h.grade.number == grade],
            "homeroom": homeroom,
            "query": query,
            "page": page,
            "can_manage": permissions.can_manage_school(request.user, school),
        },
    )


@login_required
def student_detail(request, pk):
    student = selectors.student_get(request.user, pk)
    if not (permissions.school_ids_with(request.user) or permissions.is_bureau(request.user)):
        raise Http404  # parents see their children on the family pages
    can_manage = permissions.can_manage_student(request.user, student)
    can_invite = permissions.can_issue_invitation(request.user, student)
    return render(
        request,
        "register/student_detail.html",
        {
            "student": student,
            "guardianships": selectors.guardianships_for_student(student),
            "invitations": selectors.invitations_for_student(student) if can_invite else [],
            "can_manage": can_manage,
            "can_invite": can_invite,
            "show_contacts": permissions.can_see_guardian_contacts(request.user, student.school),
        },
    )


@login_required
def homeroom_detail(request, pk):
    homeroom = selectors.homeroom_get(request.user, pk)
    can_manage = permissions.can_manage_school(request.user, homeroom.school)
    students = (
        selectors.students_for_user(request.user)
        .filter(homeroom=homeroom)
        .prefetch_related("guardianships__guardian")
        .order_by("student_no")
    )
    return render(
        request,
        "register/homeroom_detail.html",
        {
            "homeroom": homeroom,
            "students": students,
            "can_manage": can_manage,
            "can_invite": permissions.can_manage_homeroom_invitations(request.user, homeroom),
            "show_contacts": permissions.can_see_guardian_contacts(request.user, homeroom.school),
            "head_teacher_form": HeadTeacherForm(
                initial={"head_teacher": homeroom.head_teacher_id},
                teachers=selectors.teachers_for_school(school=homeroom.school),
            )
            if can_manage
            else None,
        },
    )


@login_required
@require_POST
def homeroom_invitations_issue(request, pk):
    """Issue codes for the children of a class who have neither a parent account nor a live code.

    Letters already sent home stay valid; families already using the service get no code they do not need.
    """
    homeroom = selectors.homeroom_get(request.user, pk)
    if not permissions.can_manage_homeroom_invitations(request.user, homeroom):
        raise Http404
    students = selectors.students_needing_codes(homeroom=homeroom)
    codes = services.invitation_code_issue(students=students, by=request.user)
    if codes:
        messages.success(request, _("已为 %(n)d 名尚未开通的学生生成邀请码。") % {"n": len(codes)})
    else:
        messages.info(request, _("本班每名学生都已有有效邀请码或已开通家长账号，无需生成。"))
    return redirect("school:homeroom-letters", pk=homeroom.pk)


@login_required
def homeroom_letters(request, pk):
    """Printable letters to parents, one per child, each with its active invitation code."""
    homeroom = selectors.homeroom_get(request.user, pk)
    if not permissions.can_manage_homeroom_invitations(request.user, homeroom):
        raise Http404
    activate_url = request.build_absolute_uri(reverse("accounts:activate"))
    letters = [
        {
            "invitation": code,
            "url": f"{activate_url}?code={code.code}",
            "qr": _qr_svg(f"{activate_url}?code={code.code}"),
        }
        for code in selectors.open_invitations(homeroom=homeroom)
    ]
    return render(
        request,
        "register/print/homeroom_letters.html",
        {"homeroom": homeroom, "letters": letters, "activate_url": activate_url},
    )


def _qr_svg(url: str) -> str:
    """An inline SVG QR code: parents scan the letter with WeChat instead of typing the address."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


@login_required
@require_POST
def student_invitation_issue(request, pk):
    student = selectors.student_get(request.user, pk)
    if not permissions.can_issue_invitation(request.user, student):
        raise Http404
    (code,) = services.invitation_code_issue(students=[student], by=request.user)
    messages.success(
        request, _("新邀请码：%(code)s（旧的未使用邀请码已作废）") % {"code": code.code}
    )
    return redirect("school:student-detail", pk=student.pk)


@login_required
@require_POST
def guardian_reset_code_issue(request, student_pk, pk):
    """A school admin gives one guardian a code that resets their forgotten password (read out, not posted)."""
    student = _managed_student_or_404(request, student_pk)
    guardianship = get_object_or_404(
        student.guardianships.select_related("guardian"), pk=pk, guardian__user__isnull=False
    )
    (code,) = services.invitation_code_issue(
        students=[student], guardian=guardianship.guardian, by=request.user
    )
    messages.success(
        request,
        _("重设密码码：%(code)s，仅限 %(name)s 使用，请当面或电话告知，不要发到群里。")
        % {"code": code.code, "name": guardianship.guardian.name},
    )
    return redirect("school:student-detail", pk=student.pk)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = selectors.invitation_get(request.user, pk)
    if not permissions.can_issue_invitation(request.user, invitation.student):
        raise Http404
    try:
        services.invitation_code_revoke(invitation=invitation, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("邀请码 %(code)s 已作废。") % {"code": invitation.code})
    return redirect("school:student-detail", pk=invitation.student_id)


# --- Teacher ----------------------------------------------------------------------------------------


@login_required
def teacher_today(request):
    """The teacher's day on a phone. Sessions, handover and check-in arrive with the safety app."""
    if not permissions.is_teacher(request.user):
        raise Http404
    today = timezone.localdate()
    homerooms = selectors.homerooms_for_user(request.user).filter(
        school__in=permissions.school_ids_with(
            request.user, permissions.Kind.TEACHER, permissions.Kind.DUTY_LEADER
        )
    )
    led = [h for h in homerooms if h.head_teacher_id == request.user.pk]
    schools = selectors.schools_worked_at(request.user)
    terms = []
    for school in schools:
        term = selectors.current_term(school)
        outlook = selectors.service_day_outlook(term, today) if term else {}
        terms.append({"school": school, "term": term, **outlook})
    counts = selectors.enrolled_counts_by_homeroom(request.user, homerooms=homerooms)
    for h in homerooms:
        h.student_count = counts.get(h.pk, 0)
    return render(
        request,
        "teacher/today.html",
        {"today": today, "terms": terms, "led": led, "homerooms": homerooms},
    )


# --- Family -----------------------------------------------------------------------------------------


@login_required
def family_home(request):
    if not permissions.is_parent(request.user):
        raise Http404
    children = list(
        selectors.children_for_parent(request.user).prefetch_related("guardianships__guardian")
    )
    for child in children:
        child.pickup_names = [
            f"{g.guardian.name}（{g.get_relation_display()}）"
            for g in child.guardianships.all()
            if g.may_pick_up
        ]
    return render(request, "family/home.html", {"children": children})


@login_required
def family_child(request, pk):
    child = get_object_or_404(selectors.children_for_parent(request.user), pk=pk)
    return render(
        request,
        "family/child_detail.html",
        {"child": child, "guardianships": selectors.guardianships_for_student(child)},
    )


# --- Terms ------------------------------------------------------------------------------------------


@login_required
def term_list(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    terms = selectors.terms_for_school(school=school)
    return render(
        request,
        "register/term_list.html",
        {
            "school": school,
            "terms": terms,
            "can_manage": permissions.can_manage_school(request.user, school),
        },
    )


@login_required
def term_edit(request, school_pk, pk=None):
    """Create a term (no ``pk``) or edit one: dates, service weekdays, holidays and swapped working days."""
    school = _managed_school_or_404(request, school_pk)
    term = get_object_or_404(selectors.terms_for_school(school=school), pk=pk) if pk else None
    initial = TermForm.initial_for(term) if term else None
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.term_save(
                school=school,
                by=request.user,
                term=term,
                name=data["name"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                service_weekdays=data["service_weekdays"],
                days=data["days"],
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("学期已保存。"))
            return redirect("school:term-list", school_pk=school.pk)
    return render(
        request, "register/term_form.html", {"school": school, "term": term, "form": form}
    )


# --- Staff ------------------------------------------------------------------------------------------


@login_required
def staff_list(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    can_manage = permissions.can_manage_school(request.user, school)
    form = StaffAddForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                added = services.staff_add(school=school, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                if added.colleague is not None:
                    messages.success(
                        request,
                        _("已为 %(name)s 添加角色。") % {"name": added.colleague.get_full_name()},
                    )
                else:
                    staff_views.invitation_message(request, added)
                return redirect("school:staff-list", school_pk=school.pk)
    return render(
        request,
        "register/staff_list.html",
        {
            "school": school,
            "staff": selectors.staff_for_school(request.user, school=school),
            "invitations": selectors.staff_invitations_pending(request.user, school=school),
            "form": form,
            "can_manage": can_manage,
            "show_contacts": permissions.can_see_staff_contacts(request.user, school),
        },
    )


@login_required
@require_POST
def role_remove(request, school_pk, pk):
    school = _managed_school_or_404(request, school_pk)
    role = get_object_or_404(school.roles.select_related("user"), pk=pk)
    if role.user_id == request.user.pk and role.kind == permissions.Kind.SCHOOL_ADMIN:
        messages.error(request, _("不能取消自己的管理员角色。"))
    else:
        services.role_remove(role=role, by=request.user)
        messages.success(
            request,
            _("已取消 %(name)s 的“%(kind)s”角色。")
            % {"name": role.user, "kind": role.get_kind_display()},
        )
    return redirect("school:staff-list", school_pk=school.pk)


@login_required
@require_POST
def homeroom_head_teacher(request, pk):
    homeroom = selectors.homeroom_get(request.user, pk)
    if not permissions.can_manage_school(request.user, homeroom.school):
        raise Http404
    form = HeadTeacherForm(
        request.POST, teachers=selectors.teachers_for_school(school=homeroom.school)
    )
    if form.is_valid():
        services.homeroom_head_teacher_set(
            homeroom=homeroom, teacher=form.cleaned_data["head_teacher"], by=request.user
        )
        messages.success(request, _("班主任已更新。"))
    else:
        messages.error(request, _("请选择本校教师。"))
    return redirect("school:homeroom-detail", pk=homeroom.pk)


# --- Editing one student and their guardians --------------------------------------------------------


def _managed_student_or_404(request, pk):
    student = selectors.student_get(request.user, pk)
    if not permissions.can_manage_student(request.user, student):
        raise Http404
    return student


@login_required
def student_edit(request, pk):
    student = _managed_student_or_404(request, pk)
    homerooms = selectors.homerooms_of_school(school=student.school)
    form = StudentForm(
        request.POST or None, initial=StudentForm.initial_for(student), homerooms=homerooms
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("学生信息已保存。"))
            return redirect("school:student-detail", pk=student.pk)
    return render(request, "register/student_form.html", {"student": student, "form": form})


@login_required
def guardianship_edit(request, student_pk, pk=None):
    """Add a guardian to a child (no ``pk``) or change one: name, mobile, relation, whether they may pick up."""
    student = _managed_student_or_404(request, student_pk)
    guardianship = (
        get_object_or_404(student.guardianships.select_related("guardian"), pk=pk) if pk else None
    )
    initial = GuardianshipForm.initial_for(guardianship) if guardianship else None
    form = GuardianshipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.guardianship_save(
                student=student, by=request.user, guardianship=guardianship, **form.cleaned_data
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("监护人信息已保存。"))
            if saved.guardian.name != " ".join(form.cleaned_data["name"].split()):
                messages.info(
                    request,
                    _("该手机号也登记在其他学校，姓名保持为“%(name)s”。")
                    % {"name": saved.guardian.name},
                )
            return redirect("school:student-detail", pk=student.pk)
    return render(
        request,
        "register/guardianship_form.html",
        {"student": student, "guardianship": guardianship, "form": form},
    )


@login_required
@require_POST
def guardianship_remove(request, student_pk, pk):
    student = _managed_student_or_404(request, student_pk)
    guardianship = get_object_or_404(student.guardianships.select_related("guardian"), pk=pk)
    services.guardianship_remove(guardianship=guardianship, by=request.user)
    messages.success(request, _("已移除监护人 %(name)s。") % {"name": guardianship.guardian.name})
    return redirect("school:student-detail", pk=student.pk)


@login_required
def audit_list(request, school_pk):
    """The school's trail, newest first: who did what and when, each entry a sentence."""
    school = selectors.school_get(request.user, school_pk)
    actions = audit_action_choices()
    action = text_param(request.GET, "action", max_length=60)
    if action not in dict(actions):
        action = ""
    entries = selectors.audit_entries_for_school(school=school, action=action)
    page = Paginator(entries, 50).get_page(int_param(request.GET, "page"))
    rows = [{"entry": e, "sentence": audit_sentence(e)} for e in page]
    return render(
        request,
        "register/audit_list.html",
        {"school": school, "page": page, "rows": rows, "actions": actions, "action": action},
    )
