"""SECURITY: no leak through linked records.

A case manager of 능동 sees the full detail of 능동's cases; of 구의제1동's, only what the duplicate
check says (the dong, the open case's stage, whom to call). Leaks come most often through a record
linked to the one on the page, not through the record's own page: a provider's referral list, a
meeting's agenda, a household member, a form's choice list, a search answer, an export, a PDF.

Both dongs hold records of every kind (tests/scope_world.py), and 구의제1동's are linked to
능동's where the gu allows it: a 구의제1동 case refers a client to 능동's provider, through a
resource 구의제1동 shares with the gu. Every page of the permission matrix, every list and search,
every choice list, the Excel export and every printed form are read as officers of 능동 and
searched for 구의제1동's client names and case numbers. The gu staff read both dongs; the system
administrator reads no client's name anywhere, access records included.
"""

import io
import re
import urllib.parse
from types import SimpleNamespace

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casemgmt.core.models import Dong, User

from .clock import iso
from .factories import dong
from .pdf_helpers import flat_text
from .referral_helpers import plan_with_item, refer
from .resource_factories import ResourceFactory
from .scope_world import build_dong_world, for_the_module, people
from .test_permission_matrix import APPS, ROWS, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

REASON = {"reason": "audit", "reason_note": "test"}  # the download reason (다운로드 사유)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def dongs(django_db_setup, django_db_blocker):
    """능동 (names start with 능) and 구의제1동 (names start with 장), linked where the gu allows."""
    from cases.models import Case, Client, HouseholdMember

    with for_the_module(django_db_blocker):
        users = people("leak")
        own, own_args = build_dong_world(
            officer=users["CM"], supervisor=users["SV"], gu_manager=users["GU"], prefix="능"
        )
        other, other_args = build_dong_world(
            officer=users["CM other"],
            supervisor=users["SV other"],
            gu_manager=users["GU"],
            prefix="장",
        )
        # 구의제1동 shares a resource of 능동's provider with the gu, and refers a client to it
        shared = ResourceFactory(
            registering_dong=dong("구의제1동"),
            shared_gu_wide=True,
            name="장나눔 도시락",
            provider=own["dong provider"],
            need_domain="health",
        )
        cross_item = plan_with_item(
            other["shared case"], users["CM other"], resource=shared, provider=shared.provider
        )
        cross_referral = refer(cross_item, users["CM other"], shares_information=False)

        def secrets_of(dong_name):
            """What names a client of the dong, or a case of it: names and case numbers."""
            return sorted(
                {
                    *Client.objects.filter(dong__name=dong_name).values_list("name", flat=True),
                    *HouseholdMember.objects.filter(client__dong__name=dong_name).values_list(
                        "name", flat=True
                    ),
                    *Case.objects.filter(dong__name=dong_name).values_list("number", flat=True),
                }
            )

        yield SimpleNamespace(
            users=users,
            own=own,
            own_args=own_args,
            other=other,
            other_args=other_args,
            shared_resource=shared,
            cross_referral=cross_referral,
            own_secrets=secrets_of("능동"),
            # and the resource 구의제1동 keeps to itself
            other_secrets=[*secrets_of("구의제1동"), other["dong resource"].name],
        )


def _login(client, user):
    client.force_login(user)
    return client


def _text(response):
    """What a person reads in the answer: the page, the PDF's text, the workbook's cells."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        return flat_text(response.content)
    if kind == XLSX:
        return _xlsx_text(response.content)
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _found(text, secrets):
    return sorted(s for s in secrets if s in text)


def _without_echo(html):
    """The page without what the user typed coming back: input values and the query strings of
    links and forms (a search box shows its search)."""
    return re.sub(r'(value|href|action)="[^"]*"', r'\1=""', html)


def _options(html, select_name):
    """The values a <select> (or a list of checkboxes / radio buttons) of the page offers."""
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S)
    values = re.findall(r'<option value="([^"]*)"', select.group(0)) if select else []
    values += re.findall(rf'name="{select_name}" value="([^"]*)"', html)
    return set(values)


def _no_arg_get_urls():
    """Every address of the apps without an argument (lists, searches, new records, exports)."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in APPS:
                if "<" not in str(pattern.pattern):
                    yield f"{namespace}:{pattern.name}"

    return sorted(set(walk(get_resolver().url_patterns)))


# --- choice lists: the forms the views really built -----------------------------------------------


def _forms_in(response):
    """Every form (and formset's form) in the page's template context."""
    found = {}

    def visit(value, depth=0):
        if isinstance(value, forms.BaseForm):
            found[id(value)] = value
        elif isinstance(value, forms.BaseFormSet):
            for form in value.forms:
                found[id(form)] = form
        elif isinstance(value, list | tuple) and depth < 2:
            for each in value:
                visit(each, depth + 1)

    for context in response.context or []:
        for layer in context.dicts:
            for value in layer.values():
                visit(value)
    return list(found.values())


def _out_of_scope(queryset, user):
    """The rows of a choice list the user may not read (empty when the list is scoped)."""
    from cases.models import Case, PlanGoal, PlanItem
    from meetings.models import Attendee, Meeting

    model = queryset.model
    manager = model._default_manager
    if hasattr(manager, "for_user"):
        return queryset.exclude(pk__in=manager.for_user(user).values("pk"))
    if model is User:  # officers: of the user's dong, or of the gu office
        return queryset.exclude(dong=None).exclude(dong=user.dong_id)
    if model is Dong:
        return queryset.exclude(gu_id=user.gu_id)
    if model in (PlanGoal, PlanItem):
        return queryset.exclude(plan__case__in=Case.objects.for_user(user))
    if model is Attendee:
        return queryset.exclude(meeting__in=Meeting.objects.for_user(user))
    raise AssertionError(f"say how a choice list of {model._meta.label} is scoped")


def _choice_leaks(response, user, secrets):
    """(form, field, what leaked) for every choice list of the page that offers too much."""
    leaks = []
    for form in _forms_in(response):
        for name, field in form.fields.items():
            where = f"{type(form).__name__}.{name}"
            if isinstance(field, forms.ModelChoiceField):
                extra = list(_out_of_scope(field.queryset, user).values_list("pk", flat=True))
                if extra:
                    leaks.append((where, f"{field.queryset.model._meta.label} {extra}"))
            if isinstance(field, forms.ChoiceField):
                labels = " ".join(str(label) for _value, label in field.choices)
                if _found(labels, secrets):
                    leaks.append((where, _found(labels, secrets)))
    return leaks


def _form_classes_with_model_choices():
    import importlib
    import importlib.util

    classes = set()
    for label in APPS:
        package = f"casemgmt.{label}" if label in ("core", "work") else label
        if importlib.util.find_spec(f"{package}.forms") is None:
            continue  # an app without forms (the working day's pages only read)
        module = importlib.import_module(f"{package}.forms")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
                and any(isinstance(f, forms.ModelChoiceField) for f in value.base_fields.values())
            ):
                classes.add(value)
    return classes


# --- every page of an own record ------------------------------------------------------------------


def test_no_page_or_choice_list_of_an_own_record_shows_another_dongs_records(client, dongs):
    """Every GET row of the permission matrix, with 능동's records, read by 능동's case manager;
    every POST row sent empty (a refused form comes back with its choice lists)."""
    user = dongs.users["CM"]
    _login(client, user)
    leaks, seen_forms, pages = [], set(), 0
    for url, method, kind, expected in ROWS:
        if expected["CM"] not in (200, 400):
            continue
        name, _, query = url.partition("?")
        path = reverse(name, args=dongs.own_args[kind]) + (f"?{query}" if query else "")
        response = client.get(path) if method == "GET" else client.post(path, {})
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            pages += 1
            if _found(html, dongs.other_secrets):
                leaks.append((method, url, _found(html, dongs.other_secrets)))
            leaks += [
                (method, url, *leak) for leak in _choice_leaks(response, user, dongs.other_secrets)
            ]
            seen_forms |= {type(form) for form in _forms_in(response)}
    assert not leaks
    assert pages >= 70
    # a sanity check of the check: 능동's own names are on its pages
    assert (
        "능계획"
        in client.get(reverse("cases:case_detail", args=dongs.own_args["case"])).content.decode()
    )
    # a form with a choice list that no page showed would not have been checked
    unseen = {c.__name__ for c in _form_classes_with_model_choices() - seen_forms}
    assert not unseen, f"add a matrix row whose page shows {sorted(unseen)}"


# --- lists and searches ---------------------------------------------------------------------------


def test_no_list_or_search_answer_shows_another_dongs_records(client, dongs):
    """Every address without arguments (every list, search, new-record form and export there is
    or will be), plain, searched for each of 구의제1동's names and numbers, and filtered by
    구의제1동's dong, officer and provider."""
    other_dong = dong("구의제1동")
    filters = {
        "dong": other_dong.pk,
        "manager": dongs.users["CM other"].pk,
        "person": dongs.users["CM other"].pk,
        "provider": dongs.other["dong provider"].pk,
        "result": "",
        "archived": "on",
    }
    searches = [{}, filters] + [
        {"q": secret, "name": secret, "term": secret, "search": secret}
        for secret in dongs.other_secrets
    ]
    leaks, answers = [], 0
    for column in ("CM", "SV"):
        _login(client, dongs.users[column])
        for name in _no_arg_get_urls():
            for params in searches if column == "CM" else [{}, filters]:
                response = client.get(reverse(name), params)
                if not response.get("Content-Type", "").startswith("text/"):
                    continue
                answers += 1
                shown = _found(_without_echo(response.content.decode()), dongs.other_secrets)
                if shown:
                    leaks.append((column, name, params, shown))
    assert not leaks
    assert answers > 200
    # not vacuous: the same searches find 능동's own records
    _login(client, dongs.users["CM"])
    for name, query in [("cases:client_list", "능표본"), ("cases:case_list", "능계획")]:
        assert query in client.get(reverse(name), {"q": query}).content.decode()


def test_the_duplicate_check_tells_only_where_and_whom_to_call(client, dongs):
    from cases.models import Client

    person = Client.objects.get(name="장계획")
    case = person.cases.get()
    _login(client, dongs.users["CM"])
    response = client.get(
        reverse("cases:duplicate_check"),
        {"name": person.name, "birth_date": person.birth_date.isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "구의제1동" in html  # where
    assert dongs.users["CM other"].name not in html  # not who holds the case: a number to call
    assert case.get_stage_display() not in html  # nor how far the case has gone
    assert case.number not in html
    assert person.address not in html
    assert f"/clients/{person.pk}/" not in html
    assert f"/cases/{case.pk}/" not in html
    assert not _found(_without_echo(html), [s for s in dongs.other_secrets if s != person.name])


# --- linked records -------------------------------------------------------------------------------


def test_a_providers_referral_list_shows_only_the_referrals_the_reader_may_read(client, dongs):
    """능동's provider has referrals of both dongs (구의제1동's through its shared resource)."""
    provider = reverse("resources:provider_detail", args=dongs.own_args["dong provider"])
    own_client, other_client = "능계획", "장공유"
    pages = {}
    for column in ("CM", "SV", "CM other", "GU"):
        pages[column] = _login(client, dongs.users[column]).get(provider).content.decode()
    for column in ("CM", "SV"):
        assert own_client in pages[column]
        assert not _found(pages[column], dongs.other_secrets), column
    assert other_client in pages["CM other"]
    assert not _found(pages["CM other"], dongs.own_secrets)
    assert own_client in pages["GU"] and other_client in pages["GU"]
    _login(client, dongs.users["ADMIN"])
    assert client.get(provider).status_code == 404


def test_another_dongs_provider_and_shared_resource_show_nothing_of_its_clients(client, dongs):
    _login(client, dongs.users["CM"])
    for path in [
        reverse("resources:provider_detail", args=dongs.other_args["dong provider"]),
        reverse("resources:resource_detail", args=[dongs.shared_resource.pk]),
        reverse("resources:resource_list") + "?q=장나눔",
        reverse("resources:provider_list") + "?q=장나눔",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not _found(response.content.decode(), dongs.other_secrets), path


def test_an_own_record_does_not_open_another_dongs_record_linked_under_it(client, dongs):
    """Mixed addresses and forms: 능동's client, case, plan or meeting with 구의제1동's household
    member, consent, agenda item, partner, plan item, resource, discovery entry or case under it
    or in its form. Not found (or the choice refused), nothing of it shown, nothing changed."""
    own, other, o = dongs.own_args, dongs.other_args, dongs.other
    private = o["dong resource"].pk  # the resource 구의제1동 keeps to itself
    tries = [  # (who, method, URL name, arguments, data, answer[, (choice list, value not offered)])
        ("CM", "get", "cases:household_member_update", [own["client"][0], other["household member"][1]], {}, 404),
        ("CM", "post", "cases:household_member_update", [own["client"][0], other["household member"][1]], {"name": "x", "relation": "child"}, 404),
        ("CM", "get", "cases:consent_withdraw", [own["case"][0], other["consent"][1]], {}, 404),
        ("CM", "post", "cases:consent_withdraw", [own["case"][0], other["consent"][1]], {"withdrawn_on": iso(0), "note": "x"}, 404),
        ("CM", "get", "cases:consent_sign_screen", [own["case"][0], other["consent"][1]], {}, 404),
        ("SV", "post", "meetings:item_decide", [own["meeting"][0], other["agenda item"][1]], {f"item-{o['agenda item'].pk}-outcome": "other"}, 404),
        ("CM", "get", "meetings:external_copy", [own["meeting"][0], other["partner copy"][1]], {}, 404),
        # (a print asks for the download reason first: give it, to reach the lookup under it)
        ("CM", "get", "meetings:external_copy_print", [own["meeting"][0], other["partner copy"][1]], REASON, 404),
        ("CM", "get", "resources:referral_create", other["plan item"], {}, 404),
        ("CM", "get", "cases:intake_create", own["client"], {"discovery": o["discovery"].pk}, 404),
        ("CM", "get", "cases:client_create", [], {"discovery": o["discovery"].pk}, 404),
        ("SV", "post", "meetings:queue_place", [], {"case": o["case"].pk, "question": "consultation"}, 404),
        ("CM", "post", "meetings:agenda_add", own["meeting"], {"case": o["case"].pk, "question": "consultation"}, 400, ("case", o["case"].pk)),
        ("CM", "post", "cases:monitoring_create", own["case"], {"plan_item": o["plan item"].pk, "date": iso(0), "method": "regular_contact", "findings": "x"}, 200, ("plan_item", o["plan item"].pk)),
        ("CM", "post", "cases:plan_item_add", own["plan"], {"item-goal": dongs.own["plan item"].goal_id, "item-service_content": "x", "item-priority": "1", "item-resource": private, "item-monitoring_method": "provider"}, 400, ("item-resource", private)),
        # links that pre-fill a form: the other dong's record is not offered
        ("CM", "get", "cases:plan_detail", own["plan"], {"resource": private}, 200, ("item-resource", private)),
        ("CM", "get", "resources:development_create", [], {"resource": private}, 200, ("resource", private)),
        ("CM", "get", "cases:intervention_create", own["case"], {"kind": "advocacy", "plan_item": o["plan item"].pk}, 200, ("plan_item", o["plan item"].pk)),
    ]  # fmt: skip
    wrong = []
    for column, method, name, args, data, expected, *choice in tries:
        _login(client, dongs.users[column])
        before = snapshot()
        response = getattr(client, method)(reverse(name, args=args), data)
        html = response.content.decode()
        offered = choice and str(choice[0][1]) in _options(html, choice[0][0])
        if (
            response.status_code != expected
            or _found(html, dongs.other_secrets)
            or snapshot() != before
            or offered
        ):
            wrong.append((column, method, name, response.status_code, bool(offered)))
    assert not wrong
    # the check of the choice lists sees them: 능동's own resource is offered on its plan
    plan = client.get(reverse("cases:plan_detail", args=own["plan"])).content.decode()
    assert str(dongs.own["dong resource"].pk) in _options(plan, "item-resource")


def test_a_meetings_agenda_minutes_and_partner_copy_hold_only_its_dongs_cases(client, dongs):
    pages = [  # and what shows that the page is the one meant
        (reverse("meetings:meeting_detail", args=dongs.own_args["meeting"]), "능계획"),
        (reverse("meetings:minutes_print", args=dongs.own_args["meeting"]) + "?format=html", "능계획"),
        # the partner's copy: only what the client's consent allows (here: nothing of them)
        (reverse("meetings:external_copy", args=dongs.own_args["partner copy"]), "협력자"),
    ]  # fmt: skip
    for column in ("CM", "SV"):
        _login(client, dongs.users[column])
        for path, marker in pages:
            html = client.get(path).content.decode()
            assert marker in html, path
            assert not _found(html, dongs.other_secrets), (column, path)
    # the other dong's meeting: not found here, read by the gu staff
    other_meeting = reverse("meetings:meeting_detail", args=dongs.other_args["meeting"])
    assert _login(client, dongs.users["CM"]).get(other_meeting).status_code == 404
    assert "장계획" in _login(client, dongs.users["GU"]).get(other_meeting).content.decode()


def test_household_member_pages_show_only_the_clients_own_household(client, dongs):
    _login(client, dongs.users["CM"])
    for name, kind in [
        ("cases:client_detail", "client"),
        ("cases:household_member_update", "household member"),
        ("cases:household_member_create", "client"),
        ("cases:client_history", "client"),
    ]:
        html = client.get(reverse(name, args=dongs.own_args[kind])).content.decode()
        assert not _found(html, dongs.other_secrets), name
    assert (
        "능가족"
        in client.get(
            reverse("cases:client_detail", args=dongs.own_args["client"])
        ).content.decode()
    )


# --- exports and printed forms --------------------------------------------------------------------


def _xlsx_text(content):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def test_the_resource_export_holds_only_the_resources_the_reader_may_read(client, dongs):
    export = (
        reverse("resources:resource_list")
        + "?"
        + urllib.parse.urlencode({"export": "xlsx", **REASON})
    )
    texts = {}
    for column in ("CM", "GU", "ADMIN"):
        response = _login(client, dongs.users[column]).get(export)
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX, "the export answers the file with a reason"
        texts[column] = _xlsx_text(response.content)
    assert "능 반찬나눔" in texts["CM"] and "장나눔 도시락" in texts["CM"]
    assert not _found(texts["CM"], dongs.other_secrets)
    assert "장 반찬나눔" in texts["GU"] and "능 반찬나눔" in texts["GU"]
    assert not _found(texts["ADMIN"], dongs.own_secrets + dongs.other_secrets + ["반찬나눔"])


PRINTS = [
    ("cases:plan_print", "plan", "능계획"),
    ("cases:consent_print", "case", "능계획"),
    ("cases:monitoring_print", "case", "능계획"),
    ("cases:intake_print", "case", "능계획"),
    ("cases:closure_print", "closing case", "능종결"),
    ("meetings:minutes_print", "meeting", "능계획"),
    ("meetings:external_copy_print", "partner copy", "협력자"),
]


def test_printed_forms_of_own_records_hold_nothing_of_another_dong(client, dongs):
    _login(client, dongs.users["CM"])
    for name, kind, own_name in PRINTS:
        response = client.get(reverse(name, args=dongs.own_args[kind]), REASON)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf", name
        text = flat_text(response.content)
        assert own_name in text, name
        assert not _found(text, dongs.other_secrets), name


# --- the gu staff and the system administrator ----------------------------------------------------


def test_the_gu_staff_read_every_dong_of_their_gu(client, dongs):
    _login(client, dongs.users["GU"])
    for name, params, names in [
        ("cases:client_list", {}, ["능표본", "장표본"]),
        ("cases:case_list", {}, ["능계획", "장계획"]),
        ("cases:discovery_list", {"result": ""}, ["능발굴", "장발굴"]),
        ("resources:referral_list", {}, ["능계획", "장계획", "장공유"]),
        ("resources:resource_list", {}, ["능 반찬나눔", "장 반찬나눔"]),
    ]:
        html = client.get(reverse(name), params).content.decode()
        assert all(n in html for n in names), (name, [n for n in names if n not in html])
    case = reverse("cases:case_detail", args=dongs.other_args["case"])
    assert "장계획" in client.get(case).content.decode()


def test_the_system_administrator_reads_no_clients_name_anywhere(client, dongs):
    """Not on any page (lists, searches, records of either dong), and not in the access records
    either: the officers' searches by name and duplicate checks are recorded without the name."""
    everyone = dongs.own_secrets + dongs.other_secrets
    # what the officers did before the review: searches by name, a duplicate check
    _login(client, dongs.users["CM"])
    client.get(reverse("cases:client_list"), {"q": "능표본"})
    client.get(reverse("cases:case_list"), {"q": "능계획"})
    person = dongs.own["client"]
    client.get(
        reverse("cases:duplicate_check"),
        {"name": person.name, "birth_date": person.birth_date.isoformat()},
    )
    client.get(reverse("cases:client_detail", args=dongs.own_args["client"]))

    admin = _login(client, dongs.users["ADMIN"])
    leaks = []
    for name in _no_arg_get_urls():
        for params in ({}, {"q": "능표본"}):
            html = _text(admin.get(reverse(name), params))
            if _found(_without_echo(html), everyone):
                leaks.append((name, params))
    for url, method, kind, _expected in ROWS:
        if method != "GET" or kind == "-":
            continue
        name, _, query = url.partition("?")
        for args in (dongs.own_args[kind], dongs.other_args[kind]):
            response = admin.get(reverse(name, args=args) + (f"?{query}" if query else ""))
            if response.status_code == 200 and _found(_text(response), everyone):
                leaks.append((url, args))
    from casemgmt.core.models import AccessRecord

    latest = AccessRecord.objects.filter(target="cases:duplicate_check").latest("pk")
    for path in [  # the admin site is the administrator's too
        reverse("admin:index"),
        reverse("admin:core_accessrecord_changelist"),
        reverse("admin:core_accessrecord_changelist") + "?q=능표본",
        reverse("admin:core_accessrecord_change", args=[latest.pk]),
    ]:
        response = admin.get(path)
        assert response.status_code == 200, path
        if _found(_without_echo(urllib.parse.unquote(response.content.decode())), everyone):
            leaks.append((path, _found(urllib.parse.unquote(response.content.decode()), everyone)))
    records = urllib.parse.unquote(admin.get(reverse("core:access_records")).content.decode())
    if _found(records, everyone):
        leaks.append(("core:access_records", _found(records, everyone)))
    response = admin.post(reverse("core:access_record_export"), {"reason": "월간 점검 자료"})
    assert response.status_code == 200
    csv = urllib.parse.unquote(b"".join(response.streaming_content).decode())
    assert "cases:duplicate_check" in csv  # the records are there...
    if _found(csv, everyone):  # ...without the names searched for
        leaks.append(("core:access_record_export", _found(csv, everyone)))
    assert not leaks


def test_an_access_record_keeps_the_address_without_what_was_typed(client, dongs):
    from casemgmt.core.models import AccessRecord

    person = dongs.own["client"]
    _login(client, dongs.users["CM"])
    client.get(reverse("cases:client_list"), {"q": person.name, "sort": "name", "page": "1"})
    client.get(
        reverse("cases:duplicate_check"),
        {"name": person.name, "birth_date": person.birth_date.isoformat(), "phone": "010-1"},
    )
    search, duplicate = AccessRecord.objects.order_by("-pk")[:2][::-1]
    assert search.path == "/clients/?q=*&sort=name&page=1"
    assert search.client_ids == [person.pk]  # whom the search showed: by number
    assert duplicate.path == "/clients/duplicates/?name=*&birth_date=*&phone=*"
