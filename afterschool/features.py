"""What the site lets each kind of user do today, one line per feature, declared by the app that does it.

Pages that tell people what they can do (the letter to parents, the family home, the teacher's 今日) list
these lines instead of writing promises of their own, which once told parents about 报名 and 请假 before
either existed. Each app declares its lines beside its code, in its own ``features.py`` imported by its
AppConfig's ``ready()``: when enrollment arrives, its declaration adds "报名参加课后服务" and the letter
says so; until then nothing does.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

PARENT = "parent"
TEACHER = "teacher"

_declared: dict[str, "Feature"] = {}


@dataclass(frozen=True)
class Feature:
    key: str  # "<app>.<feature>", unique
    audience: str  # PARENT or TEACHER
    text: str | Promise  # what they can do, one line, translatable (gettext_lazy)
    order: int = 100  # place in the list: the register's basics first


def feature_declare(*features: Feature) -> None:
    """Add features to what the pages list (an app calls this once, from its ``features.py``)."""
    for feature in features:
        if feature.audience not in (PARENT, TEACHER):
            raise ValueError(f"unknown audience {feature.audience!r} for {feature.key}")
        if _declared.get(feature.key, feature) != feature:
            raise ValueError(f"feature {feature.key} is declared twice")
        _declared[feature.key] = feature


def feature_forget(key: str) -> None:
    """Take a feature off the lists again (tests declare temporary ones)."""
    _declared.pop(key, None)


def features_for(audience: str) -> list[Feature]:
    return sorted(
        (f for f in _declared.values() if f.audience == audience), key=lambda f: (f.order, f.key)
    )
