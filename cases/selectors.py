import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casemgmt.core.korean import initial_consonants, is_initials, korean_date
from casemgmt.core.search import query_grams

from .models import (
    Assessment,
    Case,
    Client,
    DiscoveryEntry,
    DiscoveryResult,
    SelectionDecision,
    Stage,
)

CLIENT_SORTS = {
    "name": ("name", "birth_date"),
    "-name": ("-name", "-birth_date"),
    "birth_date": ("birth_date", "name"),
    "-birth_date": ("-birth_date", "name"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "dong": ("dong__order", "name"),
}


def name_matches(q, *, prefix=""):
    """The condition "the client's name holds ``q``" (its initials when ``q`` is initials such as
    ㅎㄱㄷ): the search pieces narrow through their index, the exact test keeps only true matches."""
    letters = "".join(q.split())
    if is_initials(letters):
        condition = Q(**{f"{prefix}name_initials__contains": initial_consonants(letters)})
    else:
        condition = Q(**{f"{prefix}name__icontains": letters})
    grams = query_grams(letters)
    if grams:
        condition &= Q(**{f"{prefix}search_grams__has_grams": grams})
    return condition


def client_list(*, user, filters=None):
    """Clients the user may see, filtered and sorted. ``filters``: q, livelihood_status, dong,
    sort, archived ("1" to include archived clients)."""
    filters = filters or {}
    qs = Client.objects.for_user(user).select_related("dong", "updated_by")
    if filters.get("archived") != "1":
        qs = qs.active()
    q = (filters.get("q") or "").strip()
    if q and is_initials(q):
        qs = qs.filter(name_matches(q))
    elif q:
        # Every way of matching holds the pieces of each word typed (casemgmt/core/search.py).
        qs = qs.filter(
            Q(name__icontains=q.replace(" ", "")) | Q(phone__contains=q) | Q(address__icontains=q)
        )
        grams = query_grams(q)
        if grams:
            qs = qs.filter(search_grams__has_grams=grams)
    if filters.get("livelihood_status"):
        qs = qs.filter(livelihood_status=filters["livelihood_status"])
    if filters.get("dong"):
        qs = qs.filter(dong_id=filters["dong"])
    return qs.order_by(*CLIENT_SORTS.get(filters.get("sort") or "name", CLIENT_SORTS["name"]))


def client_counts(*, user):
    from casemgmt.core.selectors import month_start

    visible = Client.objects.for_user(user).active()
    return {
        "clients": visible.count(),
        "new_this_month": visible.filter(created_at__gte=month_start()).count(),
    }


# --- the top bar's search: clients and cases by name, initials or number ---------------------------
SEARCH_MIN_LETTERS = 2
SEARCH_LIMIT = 20


def quick_search(*, user, q):
    """Clients and cases within the user's scope for the top bar's search box.

    ``q``: two or more letters of a name (길동 finds 홍길동), its initial consonants (ㅎㄱㄷ), or
    part of a management number (능동-2026-0012). At most SEARCH_LIMIT of each, best first.
    Returns None when the query is too short to search.
    """
    letters = "".join((q or "").split())
    if len(letters) < SEARCH_MIN_LETTERS:
        return None
    clients = Client.objects.for_user(user).active().select_related("dong")
    cases = Case.objects.for_user(user).select_related("client", "dong", "primary_manager")
    clients = clients.filter(name_matches(letters))
    cases = cases.filter(_case_matches(letters))
    return {
        "clients": list(clients.order_by("name", "birth_date", "id")[:SEARCH_LIMIT]),
        "cases": list(cases.order_by("-opened_on", "-id")[:SEARCH_LIMIT]),
    }


# --- cases -----------------------------------------------------------------------------------------
CASE_SORTS = {
    "-opened": ("-opened_on", "-id"),
    "opened": ("opened_on", "id"),
    "number": ("dong__order", "year", "sequence"),
    "stage": ("stage", "-opened_on"),
    "due": (F("next_due_on").asc(nulls_last=True), "id"),
}

# The overdue filters: each compares one stored, indexed date (cases.schedule) with today.
OVERDUE_COLUMNS = {
    "any": "next_due_on",
    "monitoring": "next_contact_due",
    "reassessment": "reassessment_due",
    "follow_up": "follow_up_due",
    "deadline": "clock_due",
    "consent": "consent_ends_on",
}


def _case_matches(q):
    """A case whose client's name holds ``q`` or, when ``q`` has a digit, whose management number
    holds it (능동-2026-0012)."""
    if any(char.isdigit() for char in q):  # names hold no digits: the number alone (no join)
        return Q(number__icontains=q.strip())
    return name_matches(q, prefix="client__")


def case_list(*, user, filters=None):
    """Cases the user may see. ``filters``: q, stage, manager ("me" or a user id), overdue, sort."""
    filters = filters or {}
    today = timezone.localdate()
    qs = Case.objects.for_user(user).select_related("client", "dong", "primary_manager")
    stage = filters.get("stage")
    qs = qs.filter(stage=stage) if stage else qs.filter(stage__in=Stage.open_stages())
    manager = filters.get("manager")
    if manager == "me":
        qs = qs.filter(Q(primary_manager=user) | Q(assistant=user))
    elif manager:
        qs = qs.filter(primary_manager_id=manager)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(_case_matches(q))
    column = OVERDUE_COLUMNS.get(filters.get("overdue") or "")
    if column:
        qs = qs.filter(**{f"{column}__lt": today})
    return qs.order_by(*CASE_SORTS.get(filters.get("sort") or "-opened", CASE_SORTS["-opened"]))


def case_managers(*, user):
    """Officers who hold cases the user may see: the case manager filter's choices."""
    from casemgmt.core.models import User

    # One index probe per officer (case_manager_dong), not a read of every case ever held:
    # 0.4 ms instead of 38 ms for a dong of 6,000 cases (bench/scale.py, 100,000 clients).
    return User.objects.filter(
        Exists(Case.objects.for_user(user).filter(primary_manager=OuterRef("pk")))
    ).order_by("name")


def waiting_for(*, user):
    """Decisions and tasks waiting for this user (what is due on their own cases is the working
    day's: casemgmt.work.selectors)."""
    visible = Case.objects.for_user(user)
    waiting = {}
    if user.has_perm("core.supervise_dong"):
        waiting["selection"] = list(
            visible.filter(stage=Stage.SELECTION)
            # NOT EXISTS, not NOT IN over every selection decision of the gu.
            .filter(~Exists(SelectionDecision.objects.filter(case=OuterRef("pk"))))
            .select_related("client", "primary_manager")[:20]
        )
        waiting["closure"] = list(
            visible.filter(closures__approved_by__isnull=True, closures__cycle=F("cycle"))
            .exclude(stage__in=[Stage.CLOSURE, Stage.FOLLOW_UP, Stage.ENDED])
            .select_related("client", "primary_manager")
            .distinct()[:20]
        )
    if user.has_perm("core.scope_whole_gu"):
        waiting["gu_cases"] = list(
            visible.filter(gu_manager=user, stage__in=Stage.open_stages()).select_related(
                "client", "dong"
            )[:20]
        )
    from meetings.models import ReturnedTask

    waiting["tasks"] = list(
        ReturnedTask.objects.for_user(user)
        .open()
        .filter(assigned_to=user)
        .select_related("case__client")[:20]
    )
    return waiting


def plain_number(value):
    """18.00 → "18", 18.50 → "18.5": a score as an officer writes it."""
    return format(value.normalize(), "f") if value is not None else ""


def scale_score_text(name, score, maximum=None):
    """A score as an officer reads it: 우울 척도(CES-D) 18/60점, or without a maximum … 18점."""
    if maximum is not None:
        return _("%(scale)s %(score)s/%(max)s points") % {
            "scale": name,
            "score": plain_number(score),
            "max": plain_number(maximum),
        }
    return _("%(scale)s %(score)s points") % {"scale": name, "score": plain_number(score)}


def _supervision_detail(supervision):
    lines = [
        _("Discussed: %(text)s") % {"text": supervision.discussed},
        _("Advice: %(text)s") % {"text": supervision.advice},
    ]
    if supervision.action_due:
        lines.append(
            _("The case manager will: %(text)s (by %(due)s)")
            % {"text": supervision.action, "due": korean_date(supervision.action_due)}
        )
    else:
        lines.append(_("The case manager will: %(text)s") % {"text": supervision.action})
    return "\n".join(lines)


def scale_series(*, case):
    """Each scale used in the case's monitoring, with its scores in date order: one query for
    all scales. [{"name", "maximum", "scores": [{"date", "score", "maximum"}]}], by scale name."""
    rows = (
        case.monitorings.exclude(scale_name="")
        .filter(scale_score__isnull=False)
        .order_by("scale_name", "date", "id")
        .values_list("scale_name", "date", "scale_score", "scale_max")
    )
    series = {}
    for name, date, score, maximum in rows:
        entry = series.setdefault(name, {"name": name, "maximum": None, "scores": []})
        entry["scores"].append({"date": date, "score": score, "maximum": maximum})
        if maximum is not None:
            entry["maximum"] = maximum  # the latest stated maximum draws the chart
    return list(series.values())


def case_timeline(*, case):
    """Everything that happened in the case, newest first: one query per kind of record."""
    events = []

    def add(when, kind, title, *, at, detail="", by=None, url=None, record=None):
        """``when``: the day it happened; ``at``: when it was written, to order events of a day;
        ``url``: the record's own page, if it has one; ``record``: the row, when the page acts
        on it (a partner agency's report waiting for confirmation)."""
        if isinstance(when, datetime.datetime):
            when = timezone.localtime(when).date()
        events.append(
            {"date": when, "at": at, "kind": kind, "title": title, "detail": detail, "by": by,
             "url": url, "record": record}
        )  # fmt: skip

    for change in case.stage_changes.select_related("by"):
        title = _("Stage: %(from)s → %(to)s") % {
            "from": change.get_source_display(),
            "to": change.get_target_display(),
        }
        add(change.at, "stage", title, at=change.at, detail=change.note, by=change.by)
    if case.intake_id:
        intake = case.intake
        add(intake.intake_date, "intake", _("Initial counselling"), at=intake.created_at,
            detail=intake.presenting_problem, by=intake.counselled_by)  # fmt: skip
    for a in case.assessments.select_related("created_by"):
        title = _("Reassessment v%(n)s") if a.is_reassessment else _("Needs assessment v%(n)s")
        add(a.completed_on or a.assessed_on, "assessment", title % {"n": a.number}, at=a.updated_at,
            detail=a.reason, by=a.created_by)  # fmt: skip
    for s in case.selections.select_related("decided_by"):
        if s.selected:
            title = _("Selected: %(type)s") % {"type": s.get_case_type_display()}
        else:
            title = _("Not selected")
        add(s.decided_on, "selection", title, at=s.created_at, detail=s.note, by=s.decided_by)
    for c in case.consents.select_related("created_by", "updated_by"):
        title = _("Consent recorded (%(method)s)") % {"method": c.get_method_display()}
        add(c.valid_from, "consent", title, at=c.created_at, by=c.created_by)
        if c.withdrawn_on:
            add(c.withdrawn_on, "consent", _("Consent withdrawn"), at=c.updated_at,
                detail=c.withdrawal_note, by=c.updated_by)  # fmt: skip
    for p in case.plans.select_related("created_by", "signed_recorded_by"):
        add(p.created_at, "plan", _("Service plan v%(n)s written") % {"n": p.number}, at=p.created_at,
            by=p.created_by)  # fmt: skip
        if p.signed_on:
            title = _("Service plan v%(n)s signed by the client") % {"n": p.number}
            add(p.signed_on, "plan", title, at=p.updated_at, by=p.signed_recorded_by)
    for i in case.interventions.select_related("created_by"):
        add(
            i.date,
            "intervention",
            i.get_kind_display(),
            at=i.created_at,
            detail=i.note,
            by=i.created_by,
        )
    for m in case.monitorings.select_related("created_by", "reported_by_provider"):
        title = _("Monitoring: %(method)s") % {"method": m.get_method_display()}
        if m.scale_name:
            title += f" · {scale_score_text(m.scale_name, m.scale_score, m.scale_max)}"
        add(m.date, "monitoring", title, at=m.created_at, detail=m.findings, by=m.created_by,
            record=m)  # fmt: skip
    for s in case.supervisions.select_related("supervisor"):
        title = _("Supervision: %(kind)s") % {"kind": s.get_kind_display()}
        add(s.date, "supervision", title, at=s.created_at, detail=_supervision_detail(s),
            by=s.supervisor, url=reverse("cases:supervision_detail", args=[case.pk, s.pk]))  # fmt: skip
    for e in case.evaluations.select_related("created_by"):
        add(e.evaluated_on, "evaluation", _("Evaluation"), at=e.created_at, detail=e.outcome_evaluation,
            by=e.created_by)  # fmt: skip
    for c in case.closures.select_related("created_by", "approved_by"):
        title = _("Closure proposed: %(reason)s") % {"reason": c.get_reason_display()}
        add(c.closed_on, "closure", title, at=c.created_at, detail=c.summary, by=c.created_by)
        if c.approved_on:
            add(c.approved_on, "closure", _("Closure approved"), at=c.updated_at, by=c.approved_by)
    for f in case.follow_ups.select_related("created_by"):
        add(
            f.date,
            "follow_up",
            _("Follow-up check"),
            at=f.created_at,
            detail=f.findings,
            by=f.created_by,
        )
    for o in case.ownership_changes.select_related("from_user", "to_user", "by"):
        title = f"{o.get_kind_display()}: {o.from_user or '-'} → {o.to_user or '-'}"
        add(o.at, "ownership", title, at=o.at, detail=o.note, by=o.by)
    for item in case.agenda_items.select_related("meeting", "decision__decided_by"):
        title = f"{item.meeting.get_kind_display()}: {item.get_question_display()}"
        decision = getattr(item, "decision", None)
        if decision is not None:
            title += f" → {decision.get_outcome_display()}"
            add(
                decision.decided_at,
                "meeting",
                title,
                at=decision.decided_at,
                detail=decision.comments,
                by=decision.decided_by,
            )
        else:
            add(item.meeting.held_at, "meeting", title, at=item.created_at, by=item.created_by)
    events.sort(key=lambda e: (e["date"], e["at"]), reverse=True)
    return events


# --- discovery queue ---------------------------------------------------------------------------------
def discovery_list(*, user, filters=None):
    """The dong's discovery queue: by default what still waits for a visit or call, oldest deadline first."""
    filters = filters or {}
    qs = DiscoveryEntry.objects.for_user(user).select_related("assigned_to", "dong")
    result = filters.get("result")
    if result:
        qs = qs.filter(result=result)
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    if filters.get("overdue"):
        qs = qs.filter(result=DiscoveryResult.PENDING, due_on__lt=timezone.localdate())
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q.replace(" ", ""))
            | Q(address__icontains=q)
            | Q(source_detail__icontains=q)
        )
    return qs.order_by("due_on", "id")


def discovery_counts(*, user):
    visible = DiscoveryEntry.objects.for_user(user).filter(result=DiscoveryResult.PENDING)
    return {
        "pending": visible.count(),
        "overdue": visible.filter(due_on__lt=timezone.localdate()).count(),
    }


def open_discovery_for_client(*, client, user):
    """The client's entries still waiting in the discovery queue (same dong and name, and the
    same birth date, or the same phone when the report gave no birth date), as the user may see
    them: an intake for this client resolves them."""
    from django.db.models import Q

    same_person = Q(birth_date=client.birth_date)
    if client.phone:
        same_person |= Q(birth_date__isnull=True, phone=client.phone)
    return (
        DiscoveryEntry.objects.for_user(user)
        .filter(same_person, dong_id=client.dong_id, name=client.name)
        .filter(result=DiscoveryResult.PENDING)
        .order_by("received_on", "id")
    )


def client_for_discovery(*, entry):
    """The registered client a discovered household already is, if any (same dong, name and birth date)."""
    if entry.birth_date is None:
        return None
    return Client.objects.filter(
        dong_id=entry.dong_id, name=entry.name, birth_date=entry.birth_date
    ).first()


def intake_statistics(*, user, since):
    """Initial counselling by disposition since a date: ①, ② and ④ end at intake and count here too."""
    from django.db.models import Count

    from .models import Disposition, Intake

    counts = dict(
        Intake.objects.for_user(user)
        .filter(intake_date__gte=since)
        .values_list("disposition")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(label, counts.get(value, 0)) for value, label in Disposition.choices]


# --- duplicate and omission check across the gu (DB 공유) ---------------------------------------------
# The initial-sound rule (두음법칙) makes one family name two spellings: 이/리, 유/류, 임/림, 노/로…
_INITIAL_SOUND = str.maketrans({
    "리": "이", "니": "이", "류": "유", "뉴": "유", "림": "임", "님": "임", "라": "나", "로": "노",
    "량": "양", "냥": "양", "려": "여", "녀": "여", "례": "예", "녜": "예", "뢰": "뇌", "루": "누",
    "륙": "육", "릉": "능", "렴": "염", "념": "염", "령": "영", "녕": "영", "뇨": "요", "료": "요",
})  # fmt: skip


def name_key(name):
    """A Korean name as matching sees it: no spaces, and the first syllable by the initial-sound rule."""
    name = "".join((name or "").split())
    return name[:1].translate(_INITIAL_SOUND) + name[1:] if name else ""


def phone_key(phone):
    return "".join(ch for ch in phone or "" if ch.isdigit())


DUPLICATE_CHECK_TARGET = "cases:duplicate_check"


def gu_duplicates(*, user, name, birth_date):
    """Is this person (same name, same date of birth) already a client anywhere in the user's gu?

    For another dong the answer is only where and whom to call: the dong and the office phone of
    the officer who holds the person (nothing of a case, not even its stage). For the user's own
    dong, whose records the user reads anyway, the open case's stage and officer too.
    """
    from casemgmt.core.access import SCOPE_OWN_DONG, SCOPE_WHOLE_GU

    if not (
        user.is_authenticated
        and user.gu_id
        and (user.has_perm(SCOPE_OWN_DONG) or user.has_perm(SCOPE_WHOLE_GU))
    ):
        return []
    key = name_key(name)
    if not (key and birth_date):
        return []
    candidates = Client.objects.filter(
        birth_date=birth_date, dong__gu_id=user.gu_id
    ).select_related("dong", "created_by")
    matches = [c for c in candidates if name_key(c.name) == key]
    open_cases = {
        case.client_id: case
        for case in Case.objects.filter(
            client__in=matches, stage__in=Stage.open_stages()
        ).select_related("primary_manager")
    }
    answers = []
    for client in matches:
        case = open_cases.get(client.pk)
        officer = case.primary_manager if case else client.created_by
        answer = {
            "client_id": client.pk,
            "dong": client.dong.name,
            "same_dong": client.dong_id == user.dong_id,
            "officer_phone": officer.phone if officer else "",
        }
        if answer["same_dong"]:
            answer["stage"] = case.get_stage_display() if case else None
            answer["officer"] = officer.name if officer else ""
        answers.append(answer)
    return answers


def duplicate_checks_in_the_last_hour(*, user):
    """How many duplicate checks the user ran in the past hour (each one leaves an access record)."""
    from casemgmt.core.models import AccessRecord

    since = timezone.now() - datetime.timedelta(hours=1)
    return AccessRecord.objects.filter(
        user=user, target=DUPLICATE_CHECK_TARGET, occurred_at__gte=since
    ).count()


# --- change history (변경 이력) -------------------------------------------------------------------
def _short(text, length=30):
    text = " ".join(str(text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def case_change_history(*, case, limit=300):
    """Every change to the case and its records (assessment, selection, consent, plan with its
    goals and items, closure, supervision, the conferences' decisions), newest first: one query
    per kind."""
    from casemgmt.core.history import history_entries
    from meetings.models import AgendaItem, Decision

    from .models import (
        AssessmentNeed,
        Closure,
        Consent,
        PlanGoal,
        PlanItem,
        ServicePlan,
        Supervision,
    )

    plan_ids = list(case.plans.values_list("pk", flat=True))
    assessment_numbers = dict(case.assessments.values_list("pk", "number"))
    numbers = dict(case.plans.values_list("pk", "number"))
    item_ids = list(AgendaItem.objects.filter(case=case).values_list("pk", flat=True))

    def rows(model, **lookup):
        return list(
            model.history.filter(**lookup)
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )

    kinds = [
        (Case, rows(Case, id=case.pk), lambda r: str(Case._meta.verbose_name)),
        (Assessment, rows(Assessment, case_id=case.pk),
         lambda r: f"{Assessment._meta.verbose_name} v{r.number}"),
        (AssessmentNeed, rows(AssessmentNeed, assessment_id__in=list(assessment_numbers)),
         lambda r: f"{Assessment._meta.verbose_name} v{assessment_numbers.get(r.assessment_id, '?')} "
                   f"{AssessmentNeed._meta.verbose_name}: {r.get_domain_display()}"),
        (SelectionDecision, rows(SelectionDecision, case_id=case.pk),
         lambda r: str(SelectionDecision._meta.verbose_name)),
        (Consent, rows(Consent, case_id=case.pk),
         lambda r: f"{Consent._meta.verbose_name} ({korean_date(r.valid_from)})"),
        (ServicePlan, rows(ServicePlan, case_id=case.pk),
         lambda r: f"{ServicePlan._meta.verbose_name} v{r.number}"),
        (PlanGoal, rows(PlanGoal, plan_id__in=plan_ids),
         lambda r: f"v{numbers.get(r.plan_id, '?')} {PlanGoal._meta.verbose_name}: {_short(r.goal)}"),
        (PlanItem, rows(PlanItem, plan_id__in=plan_ids),
         lambda r: f"v{numbers.get(r.plan_id, '?')} {PlanItem._meta.verbose_name}: "
                   f"{_short(r.service_content)}"),
        (Closure, rows(Closure, case_id=case.pk), lambda r: str(Closure._meta.verbose_name)),
        (Supervision, rows(Supervision, case_id=case.pk),
         lambda r: f"{Supervision._meta.verbose_name} ({korean_date(r.date)})"),
        (Decision, rows(Decision, item_id__in=item_ids),
         lambda r: str(Decision._meta.verbose_name)),
    ]  # fmt: skip
    entries = []
    for model, historical, label in kinds:
        entries.extend(history_entries(model, historical, label=label, limit=limit))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def client_change_history(*, client, limit=300):
    """The client's own changes and their household members', newest first."""
    from casemgmt.core.history import history_entries

    from .models import HouseholdMember

    own = list(client.history.select_related("history_user").order_by("-history_date")[:limit])
    members = list(
        HouseholdMember.history.filter(client_id=client.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    entries = history_entries(Client, own, label=lambda r: _("Client"))
    entries += history_entries(
        HouseholdMember,
        members,
        label=lambda r: f"{HouseholdMember._meta.verbose_name}: {r.name}",
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
