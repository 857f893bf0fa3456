"""Log in with a username or an 11-digit mobile number."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from afterschool.register.normalize import normalize_mobile
from afterschool.register.params import bounded_text

USERNAME_MAX_LENGTH = 150  # Django's User.username


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        username = username.strip()
        mobile = normalize_mobile(username)
        user = None
        if mobile:
            user = User.objects.filter(mobile=mobile).first()
        if user is None:
            user = User.objects.filter(username__iexact=username).first()
        if user is None:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials=None) -> str:
    """The name django-axes counts failures against: one per account, however the mobile was typed.

    Without this, "13812345678", "+86 138 1234 5678" and "138-1234-5678" would each get their own
    allowance of failed attempts at the same account.
    """
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    # Bounded and without control characters: axes stores it in a 255-character column.
    raw = bounded_text(raw or "", max_length=USERNAME_MAX_LENGTH)
    return normalize_mobile(raw) or raw.lower()
