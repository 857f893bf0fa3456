"""The demo district, built app by app: each app's ``demo.py`` adds its part, in layer order.

The register's step makes the people (districts, schools, staff, children, guardians, terms); each later
app's ``demo_step(*, size, today)`` configures its part on the same schools through the services its pages
use, and returns what it created as ``{label: count}``. Every step is idempotent, so ``seed_demo`` can run
again at any time and changes nothing that is there.
"""

import importlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from afterschool.register.demo import DemoSummary, demo_district_build

# In layer order: a step may rely on what the steps before it built.
DEMO_STEPS = [
    "scheduling.demo",
    "enrollment.demo",
    "safety.demo",
    "fees.demo",
    "afterschool.reports.demo",
]


@dataclass
class DemoBuild:
    register: DemoSummary
    steps: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    @property
    def created(self) -> dict[str, int]:
        """Everything created, as ``{label: count}``, the register's first."""
        created = dict(self.register.created_labels())
        for _module, counts in self.steps:
            created.update(counts)
        return created


def demo_build(*, size: str = "full", password: str | None = None) -> DemoBuild:
    """Build (or top up) the whole demo district: the register's people, then each app's part."""
    with transaction.atomic():
        build = DemoBuild(register=demo_district_build(size=size, password=password))
        today = timezone.localdate()
        for module_name in DEMO_STEPS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as e:
                if e.name != module_name:
                    raise
                continue  # this app adds nothing to the demo yet
            build.steps.append((module_name, module.demo_step(size=size, today=today)))
    return build
