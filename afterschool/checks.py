"""System checks: a CJK font for PDFs, a shared cache for attempt limits, login limits that make sense."""

import shutil
import subprocess

from django.core.checks import Error, Warning, register

CJK_FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei")


def installed_cjk_fonts() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    return [f for f in CJK_FONT_FAMILIES if f in out]


@register()
def cjk_font_check(app_configs, **kwargs):
    if installed_cjk_fonts():
        return []
    return [
        Warning(
            "没有安装中文字体：PDF 中的汉字会显示为方框。",
            hint="Debian/Ubuntu: sudo apt-get install fonts-noto-cjk",
            id="afterschool.W001",
        )
    ]


@register(deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """Login lockouts and activation limits count in the cache; per-process memory would multiply them."""
    from django.conf import settings

    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            Warning(
                "缓存使用进程内存：多个进程各自计数，登录和邀请码的尝试次数限制会失效。",
                hint="Set REDIS_URL so that every web process shares one cache.",
                id="afterschool.W002",
            )
        ]
    return []


@register()
def login_limits_check(app_configs, **kwargs):
    """The cap per account must leave room for several clients' own allowances, or one client could reach it."""
    from django.conf import settings

    errors = []
    if settings.AXES_ACCOUNT_FAILURE_LIMIT <= settings.AXES_FAILURE_LIMIT:
        errors.append(
            Error(
                "AXES_ACCOUNT_FAILURE_LIMIT 须大于 AXES_FAILURE_LIMIT：否则一个客户端的失败就会锁住所有人。",
                hint="Keep AXES_ACCOUNT_FAILURE_LIMIT at several times AXES_FAILURE_LIMIT (defaults 20 and 5).",
                id="afterschool.E001",
            )
        )
    if settings.CLIENT_IP_PROXY_COUNT < 0:
        errors.append(
            Error(
                "AXES_PROXY_COUNT 不能为负数。",
                hint="0 without a proxy, 1 behind nginx.",
                id="afterschool.E002",
            )
        )
    return errors
