from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, the namespace that marks the item active). An app appears in the
# navigation once it has pages.
NAV_ITEMS = [
    ("core:dashboard", _("Dashboard"), "core"),
    ("cases:client_list", _("Cases"), "cases"),
    ("resources:resource_list", _("Resources"), "resources"),
    ("meetings:meeting_list", _("Meetings"), "meetings"),
]


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "namespace", "")
    items = []
    for name, label, namespace in NAV_ITEMS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": current == namespace})
    return {"nav_items": items}
