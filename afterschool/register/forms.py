import datetime
import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from afterschool.register import widgets
from afterschool.register.backends import current_password_check
from afterschool.register.models import WEEKDAY_NAMES, Guardianship, Role, Student, TermDay
from afterschool.register.normalize import excerpt
from afterschool.register.tasks import email_send


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}
        ),
    )
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。"),
        "inactive": _("该账号已停用，请联系学校。"),
    }


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password's check counted like a failed login."""

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        current_password_check(self.user, old_password)
        return old_password


class AccountEmailForm(forms.Form):
    """Staff set the address their password-reset links go to, re-entering their password."""

    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        max_length=254,
        help_text=_("忘记密码时，重设链接发到这里。留空则不能用邮箱找回密码。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("请输入有效的电子邮箱地址。")},
    )
    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        current_password_check(self.user, password)
        return password


class ActivationForm(forms.Form):
    """A parent's first login, with the code from the school's letter. Also resets a forgotten password."""

    code = forms.CharField(
        label=_("邀请码"), max_length=20, help_text=_("见学校发放的《致家长的一封信》")
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        help_text=_("学校登记的监护人手机号"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password1 = forms.CharField(
        label=_("设置密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, logged_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if logged_in:
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class StaffJoinForm(ActivationForm):
    """A person accepts a school's invitation: logged in (code and mobile), or setting a new password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("学校管理员当面告知您的 8 位邀请码")
        self.fields["mobile"].help_text = _("学校邀请您时登记的本人手机号，今后用它登录")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail sent by a Celery task once the request commits."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        transaction.on_commit(lambda: email_send.delay(subject=subject, body=body, to=[to_email]))


WEEKDAY_CHOICES = list(WEEKDAY_NAMES.items())


_WEEKDAY_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_DATE = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
# "2026-10-01", "2026-10-01~2026-10-07 国庆节", "2026-10-10 按周五 国庆调休" (a swapped day's timetable)
_DAY_LINE = re.compile(
    rf"^(?P<first>{_DATE})(?:\s*~\s*(?P<last>{_DATE}))?"
    r"(?:\s*[(（]?\s*按?\s*(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天1-7])\s*(?:课表)?\s*[)）]?)?"
    r"\s*(?P<note>.*)$"
)


DAY_LINES_MAX_LENGTH = 4000


def _parse_day_lines(text: str, kind: str, label: str) -> list[dict]:
    """Lines like ``2026-10-01``, ``2026-10-01~2026-10-07 国庆节`` or ``2026-10-10 按周五`` → one dict per day."""
    days = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("／", "/").replace("～", "~").replace("至", "~")
        if not line:
            continue
        shown = {"label": label, "n": number, "line": excerpt(raw, 40)}
        m = _DAY_LINE.match(line)
        if not m:
            raise forms.ValidationError(
                _(
                    "%(label)s第 %(n)d 行“%(line)s”无法识别，请写成 2026-10-01 或 2026-10-01~2026-10-07 国庆节"
                )
                % shown
            )
        try:
            first, last = (
                datetime.date(*map(int, re.split(r"[-/.]", value)))
                for value in (m.group("first"), m.group("last") or m.group("first"))
            )
        except ValueError as e:
            raise forms.ValidationError(
                _("%(label)s第 %(n)d 行的日期不存在：%(line)s") % shown
            ) from e
        if last < first or (last - first).days > 60:
            raise forms.ValidationError(_("%(label)s第 %(n)d 行的日期范围不正确：%(line)s") % shown)
        weekday = m.group("weekday")
        follows = None
        if kind == TermDay.Kind.WORKDAY:
            if weekday is None:
                raise forms.ValidationError(
                    _(
                        "%(label)s第 %(n)d 行“%(line)s”没有写明按星期几的课表上课，"
                        "请写成 2026-10-10 按周五 国庆调休"
                    )
                    % shown
                )
            follows = int(weekday) if weekday.isdigit() else _WEEKDAY_WORDS[weekday]
        elif weekday is not None:
            raise forms.ValidationError(
                _("%(label)s第 %(n)d 行：放假日期不需要写星期几：%(line)s") % shown
            )
        day = first
        while day <= last:
            days.append(
                {
                    "date": day,
                    "kind": kind,
                    "follows_weekday": follows,
                    "note": m.group("note").strip()[:100],
                }
            )
            day += datetime.timedelta(days=1)
    return days


class TermForm(forms.Form):
    name = forms.CharField(
        label=_("学期名称"), max_length=50, help_text=_("例如：2026—2027 学年第一学期")
    )
    start_date = forms.DateField(label=_("开始日期"), widget=widgets.DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=widgets.DateInput())
    service_weekdays = forms.TypedMultipleChoiceField(
        label=_("课后服务星期"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[1, 2, 3, 4, 5],
        error_messages={"required": _("请至少选择一天。")},
    )
    # A year's holidays fit in a few hundred characters; the bound keeps a pasted essay from being
    # parsed line by line into days.
    holidays = forms.CharField(
        label=_("放假日期"),
        required=False,
        max_length=DAY_LINES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个日期或范围，可加说明，例如：2026-10-01~2026-10-07 国庆节"),
    )
    workdays = forms.CharField(
        label=_("调休上课日期"),
        required=False,
        max_length=DAY_LINES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "周末调休上课的日期，每行一个，写明按星期几的课表，例如：2026-10-10 按周五 国庆调休"
        ),
    )

    def clean(self):
        data = super().clean()
        try:
            days = _parse_day_lines(data.get("holidays", ""), TermDay.Kind.HOLIDAY, _("放假日期"))
        except forms.ValidationError as e:
            self.add_error("holidays", e)
            days = []
        try:
            days += _parse_day_lines(
                data.get("workdays", ""), TermDay.Kind.WORKDAY, _("调休上课日期")
            )
        except forms.ValidationError as e:
            self.add_error("workdays", e)
        data["days"] = days
        return data

    @staticmethod
    def initial_for(term) -> dict:
        def lines(kind):
            return "\n".join(
                " ".join(
                    filter(
                        None,
                        [
                            d.date.isoformat(),
                            str(_("按%(weekday)s")) % {"weekday": WEEKDAY_NAMES[d.follows_weekday]}
                            if d.follows_weekday
                            else "",
                            d.note,
                        ],
                    )
                )
                for d in term.calendar_days.all()
                if d.kind == kind
            )

        return {
            "name": term.name,
            "start_date": term.start_date,
            "end_date": term.end_date,
            "service_weekdays": term.service_weekdays,
            "holidays": lines("holiday"),
            "workdays": lines("workday"),
        }


class StaffAddForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        help_text=_("对方用此手机号接受邀请，今后用它登录"),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    kinds = forms.MultipleChoiceField(
        label=_("角色"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个角色。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.value, k.label) for k in Role.SCHOOL_KINDS]


class HeadTeacherForm(forms.Form):
    head_teacher = forms.ModelChoiceField(
        label=_("班主任"), queryset=None, required=False, empty_label=_("（暂无）")
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head_teacher"].queryset = teachers
        self.fields["head_teacher"].widget.attrs["class"] = "form-select"
        self.fields["head_teacher"].label_from_instance = lambda u: (
            f"{u.get_full_name()}（{u.mobile or u.username}）"
        )


class StudentFilterForm(forms.Form):
    """The student list's filters, from the query string: a bad value is named on the page and ignored."""

    grade = forms.TypedChoiceField(label=_("年级"), required=False, coerce=int, empty_value=None)
    homeroom = forms.ModelChoiceField(label=_("班级"), required=False, queryset=None)
    q = forms.CharField(label=_("姓名或学籍号"), required=False, max_length=50)

    def __init__(self, *args, grades, homerooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g.number, g.name) for g in grades]
        self.fields["homeroom"].queryset = homerooms

    def clean(self):
        data = super().clean()
        grade, homeroom = data.get("grade"), data.get("homeroom")
        if grade is not None and homeroom is not None and homeroom.grade.number != grade:
            data["homeroom"] = None  # the grade was just changed: show all of its classes
        return data


class StudentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"))
    homeroom = forms.ModelChoiceField(label=_("班级"), queryset=None)
    status = forms.ChoiceField(label=_("状态"))
    is_disabled = forms.BooleanField(label=_("残疾儿童"), required=False)
    is_left_behind = forms.BooleanField(label=_("留守儿童"), required=False)
    is_migrant_family = forms.BooleanField(label=_("进城务工人员随迁子女"), required=False)
    is_financial_difficulty = forms.BooleanField(label=_("家庭经济困难"), required=False)

    def __init__(self, *args, homerooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Student.Gender.choices
        self.fields["status"].choices = Student.Status.choices
        self.fields["homeroom"].queryset = homerooms

    @staticmethod
    def initial_for(student) -> dict:
        fields = ["name", "gender", "homeroom", "status", *student.PRIORITY_FIELDS]
        return {f: getattr(student, f) for f in fields}


class GuardianshipForm(forms.Form):
    name = forms.CharField(label=_("监护人姓名"), max_length=50)
    mobile = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    relation = forms.ChoiceField(label=_("关系"))
    may_pick_up = forms.BooleanField(label=_("可接送"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = Guardianship.Relation.choices

    @staticmethod
    def initial_for(guardianship) -> dict:
        return {
            "name": guardianship.guardian.name,
            "mobile": guardianship.guardian.mobile,
            "relation": guardianship.relation,
            "may_pick_up": guardianship.may_pick_up,
        }
