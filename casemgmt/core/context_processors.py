from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label). An app appears in the navigation once it has pages; an item is marked
# active on every page under its address.
NAV_ITEMS = [
    ("work:dashboard", _("Dashboard")),
    ("work:calendar", _("Calendar")),
    ("cases:case_list", _("Cases")),
    ("cases:client_list", _("Clients")),
    ("cases:discovery_list", _("Discovery")),
    ("resources:resource_list", _("Resources")),
    ("meetings:meeting_list", _("Meetings")),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    items = []
    for name, label in NAV_ITEMS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    if request.user.has_perm("core.supervise_dong") and request.user.dong_id:
        url = reverse("work:team")
        items.append(
            {"url": url, "label": _("Team overview"), "active": request.path.startswith(url)}
        )
    if request.user.has_perm("cases.change_deadlinepolicy"):
        url = reverse("cases:deadline_settings")
        items.append({"url": url, "label": _("Deadlines"), "active": request.path.startswith(url)})
    if request.user.has_perm("core.view_accessrecord"):
        url = reverse("core:access_records")
        items.append(
            {"url": url, "label": _("Access records"), "active": request.path.startswith(url)}
        )
    return {"nav_items": items}
