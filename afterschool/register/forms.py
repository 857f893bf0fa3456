from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from afterschool.register.tasks import email_send


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
