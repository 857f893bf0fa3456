"""The school's audit trail, as sentences."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from afterschool.register import selectors
from afterschool.register.audit import audit_action_choices, audit_sentence
from afterschool.register.params import int_param, text_param


@login_required
def audit_list(request, school_pk):
    """The school's trail, newest first: who did what and when, each entry a sentence."""
    school = selectors.school_get(request.user, school_pk)
    actions = audit_action_choices()
    action = text_param(request.GET, "action", max_length=60)
    if action not in dict(actions):
        action = ""
    entries = selectors.audit_entries_for_school(request.user, school=school, action=action)
    page = Paginator(entries, 50).get_page(int_param(request.GET, "page"))
    rows = [{"entry": e, "sentence": audit_sentence(e)} for e in page]
    return render(
        request,
        "register/audit_list.html",
        {"school": school, "page": page, "rows": rows, "actions": actions, "action": action},
    )
