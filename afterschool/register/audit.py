"""The product's audit trail: every app records its sensitive actions here, and renders its own entries.

An app declares each action once, named ``<app>.<verb>``, with a label and a function that turns an entry
into a sentence (``register/audit_entries.py``, ``scheduling/audit.py`` ...)::

    PLACEMENT_MOVE = audit_action(
        "enrollment.placement_move", _("调整分班"), lambda e: _("把 %(student)s 调到 %(to)s") % {...}
    )

and records it with ``audit_record(by=..., action=PLACEMENT_MOVE, school=..., target=placement, ...)``.
Entries are appended, never changed (``AuditEntry`` refuses update and delete; on PostgreSQL the table
does too). A correction is a new entry with ``corrects=`` the entry it corrects.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from afterschool.register.bulk import insert_objects
from afterschool.register.models import AuditEntry


@dataclass(frozen=True)
class AuditAction:
    name: str
    label: str
    render: Callable[[AuditEntry], str] | None


_ACTIONS: dict[str, AuditAction] = {}


def audit_action(name: str, label, render: Callable[[AuditEntry], str] | None = None) -> str:
    """Declare an action ``<app>.<verb>`` with its label and sentence; returns the name, for a constant."""
    app, _dot, verb = name.partition(".")
    if not app or not verb:
        raise ValueError(f"an audit action is named <app>.<verb>, not {name!r}")
    known = _ACTIONS.get(name)
    if known is not None and str(known.label) != str(label):
        raise ValueError(f"audit action {name!r} is declared twice")
    _ACTIONS[name] = AuditAction(name, label, render)
    return name


def audit_action_label(name: str) -> str:
    action = _ACTIONS.get(name)
    return str(action.label) if action else name


def audit_action_choices(prefix: str = "") -> list[tuple[str, str]]:
    """Declared actions (of one app with ``prefix="register."``), for filters."""
    return sorted(
        ((a.name, str(a.label)) for a in _ACTIONS.values() if a.name.startswith(prefix)),
        key=lambda c: c[0],
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def audit_entry(
    *,
    by,
    action: str,
    school=None,
    district=None,
    target: models.Model | None = None,
    label: str = "",
    corrects: AuditEntry | None = None,
    at=None,
    actor_label: str | None = None,
    **details,
) -> AuditEntry:
    """An entry ready to be saved (``audit_record``) or inserted with others (``audit_record_many``).

    ``by`` is the user acting, or None for the system (a command, a scheduled task). ``target`` is the
    object acted on; ``label`` overrides its readable name. ``actor_label`` overrides the actor's name
    (a parent is recorded under the name this school registered, not their account's). The school's
    district is filled in.
    """
    if action not in _ACTIONS:
        raise ValueError(f"undeclared audit action {action!r}")
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    if district is None and school is not None:
        district = school.district_id
    return AuditEntry(
        at=at or timezone.now(),
        actor=actor,
        actor_label=(actor_label or (actor.get_full_name() if actor else ""))[:100],
        school=school,
        district_id=getattr(district, "pk", district),
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True)
        if target is not None
        else None,
        target_id=target.pk if target is not None else None,
        target_label=str(label or (target if target is not None else ""))[:200],
        details=_jsonable(details),
        corrects=corrects,
    )


def audit_record(**kwargs) -> AuditEntry:
    """Append one entry (see ``audit_entry`` for the arguments)."""
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def audit_record_many(entries: Iterable[AuditEntry]) -> int:
    """Append many entries made by ``audit_entry`` at once (an import's per-row changes)."""
    entries = list(entries)
    insert_objects(entries)
    return len(entries)


def audit_sentence(entry: AuditEntry) -> str:
    """The entry as a sentence, by the app that declared its action; the label when it cannot say more."""
    action = _ACTIONS.get(entry.action)
    if action is None:
        return entry.target_label or entry.action
    if action.render is not None:
        try:
            return action.render(entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            # An entry written before its sentence learned a detail: say what is certain.
            pass
    if entry.target_label:
        return _("%(action)s：%(target)s") % {"action": action.label, "target": entry.target_label}
    return str(action.label)


def names_text(names: list[str], total: int | None = None) -> str:
    """``王梓涵、李子轩等 38 人`` from the names kept in an entry and the full count."""
    total = len(names) if total is None else total
    text = "、".join(names)
    if total > len(names):
        text = _("%(names)s等 %(n)d 人") % {"names": text, "n": total}
    return text
