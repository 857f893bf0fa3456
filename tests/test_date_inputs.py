"""Every date and time input of the site hands the browser an ISO value, in Chinese as in English.

Walks every form class of the project's own packages, so a new date field with Django's stock widget
(which formats ``2026/09/01`` in Chinese, shown empty by ``<input type="date">``) fails here.
"""

import datetime
import importlib
import pkgutil
import re
import zoneinfo

import pytest
from django import forms
from django.utils import translation

from afterschool.register import widgets

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PACKAGES = ["afterschool", "scheduling", "enrollment", "safety", "fees"]
SKIP = re.compile(r"\.(settings|migrations|wsgi|asgi)(\.|$)")
EXPECTED = {
    forms.DateField: (widgets.DateInput, datetime.date(2026, 9, 1), 'value="2026-09-01"'),
    forms.TimeField: (widgets.TimeInput, datetime.time(15, 30), 'value="15:30"'),
    forms.DateTimeField: (
        widgets.DateTimeInput,
        datetime.datetime(2026, 9, 1, 15, 30, tzinfo=SHANGHAI),
        'value="2026-09-01T15:30"',
    ),
}


def _project_form_fields():
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not SKIP.search(info.name):
                importlib.import_module(info.name)
    seen, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PACKAGES:
            seen.append(cls)
    for cls in seen:
        for name, field in cls.base_fields.items():
            for field_class in EXPECTED:
                if isinstance(field, field_class):
                    yield f"{cls.__module__}.{cls.__qualname__}.{name}", field, field_class


FIELDS = list(_project_form_fields())


def test_the_walk_finds_the_term_dates():
    names = [name for name, _, _ in FIELDS]
    assert "afterschool.register.forms.TermForm.start_date" in names


@pytest.mark.parametrize(("name", "field", "field_class"), FIELDS, ids=[f[0] for f in FIELDS])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_and_time_input_renders_iso(name, field, field_class, language):
    widget_class, value, rendered = EXPECTED[field_class]
    assert isinstance(field.widget, widget_class), f"{name} uses {type(field.widget).__name__}"
    with translation.override(language):
        html = field.widget.render(name, field.prepare_value(value))
    assert rendered in html, html
    assert f'type="{widget_class.input_type}"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_iso_values_from_the_browser_are_read_back(language):
    with translation.override(language):
        assert forms.DateField().clean("2026-09-01") == datetime.date(2026, 9, 1)
        assert forms.TimeField().clean("15:30") == datetime.time(15, 30)
        assert forms.DateTimeField().clean("2026-09-01T15:30") == datetime.datetime(
            2026, 9, 1, 15, 30, tzinfo=SHANGHAI
        )
