"""Date and time inputs for every form of the site: the browser's own pickers, given ISO values.

``<input type="date">`` only understands ``2026-09-01`` (and ``type="time"`` ``15:30``). Django's inputs
format a value in the active language, which for Chinese is ``2026/09/01``: the browser shows an empty
field, submits nothing, and the form answers "这个字段是必填项". These widgets pin the ISO format the
HTML standard requires, whatever the language. Every date, time and datetime field uses them
(tests/test_date_inputs.py walks the forms).
"""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_TIME)


class DateTimeInput(forms.DateTimeInput):
    """A local date and time (``datetime-local``), in the site's time zone like every other form value."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME)
