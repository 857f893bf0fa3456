"""The register's audit trail: every service that changes the register records who did what."""

from afterschool.register.models import AuditEntry


def audit_record(*, by, school, action: str, target="", **details) -> AuditEntry:
    """Append one entry; ``by`` may be None for system actions (a parent activating, a command run)."""
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        school=school,
        action=action,
        target=str(target)[:200],
        details=_jsonable(details),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
