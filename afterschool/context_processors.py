"""Navigation by role: each user sees the links of the roles they hold."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from afterschool.register import permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    if permissions.is_school_admin(user):
        items += [(_("学校"), reverse("home:school-default"))]
    if permissions.works_with_children(user):
        items.append((_("今日"), reverse("home:teacher-today")))
    if permissions.is_parent(user):
        items.append((_("我的孩子"), reverse("home:family-home")))
    if permissions.is_bureau(user):
        items.append((_("全区概览"), reverse("home:bureau-overview")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path.startswith(url)} for label, url in items
        ],
    }
