"""찾기: the search box of the top bar, on every page."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from casemgmt.core.access import record_access
from casemgmt.core.models import AccessAction

from .selectors import SEARCH_LIMIT, SEARCH_MIN_LETTERS, quick_search


@require_safe
def search(request):
    """Clients and cases in the user's scope by name, initials or number; recorded like a list
    (the clients shown, by id; the words searched are not kept)."""
    q = (request.GET.get("q") or "").strip()[:50]
    found = quick_search(user=request.user, q=q)
    if found and (found["clients"] or found["cases"]):
        shown = {c.pk for c in found["clients"]} | {case.client_id for case in found["cases"]}
        record_access(
            request, action=AccessAction.VIEW, clients=sorted(shown), target="cases:search"
        )
    return render(
        request,
        "cases/search.html",
        {"q": q, "found": found, "limit": SEARCH_LIMIT, "min_letters": SEARCH_MIN_LETTERS},
    )
