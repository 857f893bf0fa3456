"""The demo district: a bureau, a primary and a middle school, their staff, students and guardians.

Every person is generated from a seed derived from where they sit (school, grade, class, seat; or their
username), never from a shared random stream. So every run plans exactly the same people, the small
demo is a subset of the full one, and mobile numbers are unique by construction. The plan is then written
with ``bulk_create``, skipping whatever already exists (matched by codes, usernames, student numbers and
mobile numbers): a second run changes nothing, and after a partial delete it tops up what is missing.

Only development and test settings define ``DEMO_PASSWORD``; without it nothing is built.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from afterschool.register.demo.people import demo_plan
from afterschool.register.demo.spec import (
    DEMO_ADMIN,
    DEMO_BUREAU,
    DEMO_PARENT,
    DEMO_TEACHER,
    SIZES,
    DemoAccount,
    DemoPlan,
    DemoSummary,
)
from afterschool.register.demo.write import _totals, _write


def demo_district_build(*, size: str = "full", password: str | None = None) -> DemoSummary:
    """Build the demo district, or top up what is missing of it; returns what was created and the accounts.

    ``size="full"`` makes a primary school of 6 × 4 classes of about 40 and a middle school of 3 × 3;
    ``size="small"`` makes 2 classes of 10 per grade in each, for tests. Staff and the demo accounts get
    ``password`` (default ``settings.DEMO_PASSWORD``); existing users are left as they are.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}")
    password = password or getattr(settings, "DEMO_PASSWORD", None)
    if not password:
        raise ImproperlyConfigured("DEMO_PASSWORD is not set: the demo is for development only.")
    plan = demo_plan(size=size)
    with transaction.atomic():
        created = _write(plan, password=password, today=timezone.localdate())
    return DemoSummary(size=size, created=created, accounts=demo_accounts(plan), totals=_totals())


def demo_accounts(plan: DemoPlan) -> list[DemoAccount]:
    by_username = {s.username: s for s in plan.staff}
    parent = next(g for g in plan.guardians if g.username == DEMO_PARENT["username"])
    accounts = []
    for demo in (DEMO_ADMIN, DEMO_TEACHER, DEMO_PARENT, DEMO_BUREAU):
        staff = by_username.get(demo["username"])
        mobile = parent.mobile if demo is DEMO_PARENT else (staff.mobile if staff else None)
        accounts.append(DemoAccount(demo["username"], demo["full_name"], demo["title"], mobile))
    return accounts
