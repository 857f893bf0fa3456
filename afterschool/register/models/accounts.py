"""People who log in, and the district and school they work for."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


def mask_mobile(mobile: str | None) -> str:
    """138****5678: enough to tell two numbers apart, not enough to call."""
    return f"{mobile[:3]}****{mobile[-4:]}" if mobile else ""


class User(AbstractUser):
    """A person who logs in: staff, bureau clerk or parent. Log in with username or mobile number."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = models.CharField(
        _("手机号"),
        max_length=11,
        blank=True,
        null=True,
        unique=True,
        help_text=_("11 位大陆手机号，可用于登录"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Password-reset links go to the account with this address: one account per address.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ignoring_case"
            ),
        ]

    def __str__(self):
        return self.full_name or self.shown_username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.shown_username

    @property
    def shown_username(self) -> str:
        """The username, masked when it is a mobile number (accounts opened by code log in with theirs)."""
        name = self.username or ""
        return mask_mobile(name) if len(name) == 11 and name.isdigit() else name

    @cached_property
    def role_set(self):
        """Every role this user holds, loaded once per request."""
        return list(self.roles.select_related("school", "district", "school__district"))

    @cached_property
    def guardian_record_ids(self) -> list[int]:
        """The guardian records (one per district at most) this account speaks for, loaded once per request."""
        return list(self.guardian_records.values_list("pk", flat=True))

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class District(models.Model):
    """An education bureau (区/县教育局) and the area it oversees."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    bureau_name = models.CharField(_("教育局名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["code"]

    def __str__(self):
        return self.name


class School(models.Model):
    class Stage(models.TextChoices):
        PRIMARY = "primary", _("小学")
        MIDDLE = "middle", _("初中")
        NINE_YEAR = "nine_year", _("九年一贯制")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("区县")
    )
    name = models.CharField(_("校名"), max_length=100)
    code = models.SlugField(_("学校代码"), max_length=30, unique=True)
    stage = models.CharField(_("学段"), max_length=20, choices=Stage.choices, default=Stage.PRIMARY)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["district", "code"]

    def __str__(self):
        return self.name

    @property
    def grade_range(self) -> range:
        return {
            self.Stage.PRIMARY: range(1, 7),
            self.Stage.MIDDLE: range(7, 10),
            self.Stage.NINE_YEAR: range(1, 10),
        }[self.stage]
