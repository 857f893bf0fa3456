"""System checks: warn loudly when PDFs would be drawn as boxes for lack of a CJK font."""

import shutil
import subprocess

from django.core.checks import Warning, register

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
