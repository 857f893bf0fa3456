"""Terms and their calendars."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from afterschool.register import permissions, selectors, services
from afterschool.register.forms import (
    TermForm,
    apply_service_errors,
)
from afterschool.register.views.common import _managed_school_or_404


@login_required
def term_list(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    terms = selectors.terms_for_school(request.user, school=school)
    return render(
        request,
        "register/term_list.html",
        {
            "school": school,
            "terms": terms,
            "can_manage": permissions.can_manage_school(request.user, school),
        },
    )


@login_required
def term_edit(request, school_pk, pk=None):
    """Create a term (no ``pk``) or edit one: dates, service weekdays, holidays and swapped working days."""
    school = _managed_school_or_404(request, school_pk)
    term = (
        get_object_or_404(selectors.terms_for_school(request.user, school=school), pk=pk)
        if pk
        else None
    )
    initial = TermForm.initial_for(term) if term else None
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.term_save(
                school=school,
                by=request.user,
                term=term,
                name=data["name"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                service_weekdays=data["service_weekdays"],
                days=data["days"],
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("学期已保存。"))
            return redirect("school:term-list", school_pk=school.pk)
    return render(
        request, "register/term_form.html", {"school": school, "term": term, "form": form}
    )
