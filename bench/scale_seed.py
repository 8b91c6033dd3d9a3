"""Seed a realistic gu on PostgreSQL for bench/scale.py: fast, through COPY.

Run by bench/scale.py in its own process (Django set up on the bench database, migrated, with
seed_demo's gu, dongs, roles and demo accounts). Adds about 60 officers, the registry, then N
clients with about one case each over every stage and all their records, change history,
alerts, meetings, referrals, the discovery queue and 10 access records per client (a million
at 100,000), each dated relative to Seoul's today over about four and a half years. Each dong
team carries about 150 open cases (at most 30% of the cases, in a small database); the rest
is history: ended or not selected.

How it stays fast: the rows are written as COPY text straight from Python (no model instances),
with the foreign keys and the secondary indexes of the loaded tables dropped during the load
and put back after it (one validating scan and one index build each). The stored schedule dates
of a case are computed by the project's own ``cases.schedule.compute`` on the records generated
in memory (duck-typed), so they follow the same rules as the app.
"""

import datetime
import io
import json
import random
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
SEED = 2026

# --- Korean names ---------------------------------------------------------------------------------
FAMILY_NAMES = (
    "김" * 21 + "이" * 14 + "박" * 8 + "최" * 5 + "정" * 5 + "강" * 2 + "조" * 2 + "윤" * 2
    + "장" * 2 + "임" * 2 + "한" + "오" + "서" + "신" + "권" + "황" + "안" + "송" + "전" + "홍"
    + "유" + "고" + "문" + "양" + "손" + "배" + "백" + "허" + "남" + "심" + "노" + "하" + "곽"
    + "성" + "차" + "주" + "우" + "구" + "민" + "류" + "나" + "진" + "지" + "엄" + "채" + "원"
    + "천" + "방" + "공" + "현"
)  # fmt: skip
GIVEN_SYLLABLES = (
    "민서지현영수정은준우성진경숙자희미혜순옥철호동길태재상석훈연아윤하주원예도시채유선명광봉춘"
    "말분덕남복금용기중병종인혁환규찬범근승나다보소리별빛솔한결"
)
KNOWN_NAMES = ["홍길동", "홍길동", "홍길동", "김길동", "박길동", "홍길순", "황금동", "한기동"]
ROADS = {
    "중곡제1동": "긴고랑로", "중곡제2동": "능동로", "중곡제3동": "천호대로", "중곡제4동": "용마산로",
    "능동": "능동로", "구의제1동": "구의로", "구의제2동": "아차산로", "구의제3동": "광나루로",
    "광장동": "광장로", "자양제1동": "자양로", "자양제2동": "뚝섬로", "자양제3동": "영화사로",
    "자양제4동": "자양번영로", "화양동": "동일로", "군자동": "군자로",
}  # fmt: skip
PROBLEMS = [
    "실직 후 월세가 석 달째 밀려 퇴거 위기라고 함",
    "홀로 사는 어르신이 끼니를 거르고 외출을 하지 않음",
    "남편의 음주와 폭언으로 불안하다고 함",
    "치매 초기 어머니를 혼자 돌보느라 지쳤다고 함",
    "전기·가스 요금이 체납되어 단전 예고를 받음",
    "자녀가 학교에 가지 않고 방에만 있음",
    "당뇨 합병증으로 일을 못 해 생계가 어려움",
    "빚 독촉 전화로 잠을 못 잔다고 함",
    "반지하 집에 곰팡이가 심해 아이가 자주 아픔",
    "이혼 후 혼자 두 아이를 키우며 일자리를 찾고 있음",
    "손자녀를 돌보는 조부모의 건강이 나빠짐",
    "우울감으로 바깥 활동을 하지 않는다고 이웃이 알림",
]
SERVICES = [
    "주 1회 가정방문 상담", "밑반찬 배달 연계", "방문건강관리 연계", "자활근로 참여 상담",
    "체납 요금 후원 연계", "방과후 돌봄 연계", "정신건강 선별검사 의뢰", "이웃 안부 확인 연결",
    "주거환경 개선 신청", "법률 상담 연계", "긴급 생계지원 신청", "가족 상담 연계",
]  # fmt: skip
DOMAINS = [
    "safety", "health", "daily_living", "family", "social", "economy", "education",
    "employment", "housing", "rights",
]  # fmt: skip

# Where the open cases are (relative weights), and how the closed ones ended.
OPEN_WEIGHTS = {
    "intake": 1.0, "assessment": 2.0, "selection": 1.0, "planning": 2.0, "intervention": 3.0,
    "monitoring": 8.0, "evaluation": 1.0, "closure": 0.5, "follow_up": 1.5,
}  # fmt: skip
CLOSED_WEIGHTS = {"ended": 7.0, "not_selected": 1.0}
STAGE_WEIGHTS = {**OPEN_WEIGHTS, **CLOSED_WEIGHTS}
# A dong team carries about this many open cases (three case managers and the team leader);
# everything else is history. A young deployment (a small database) has at most this share open.
OPEN_PER_DONG = 150
MAX_OPEN_SHARE = 0.3


def stage_weights(clients, dongs, open_per_dong=OPEN_PER_DONG):
    """Weights of the stages a case is at now: the open ones share ``open_per_dong`` per dong
    (at most MAX_OPEN_SHARE of the cases), the rest has ended or was not selected."""
    cases = max(1, round(clients * 0.9))
    share = min(MAX_OPEN_SHARE, open_per_dong * dongs / cases)
    weights = {}
    for table, part in ((OPEN_WEIGHTS, share), (CLOSED_WEIGHTS, 1 - share)):
        total = sum(table.values())
        weights.update({stage: part * w / total for stage, w in table.items()})
    return weights


# Days a case may have been at its current stage so far.
TIME_IN_STAGE = {
    "intake": (0, 14), "assessment": (0, 20), "selection": (0, 10), "planning": (0, 25),
    "intervention": (0, 45), "monitoring": (20, 900), "evaluation": (0, 20), "closure": (0, 5),
    "follow_up": (0, 80),
}  # fmt: skip
HISTORY_YEARS = 4.5


class Rel(list):
    """A list that answers .all(), as a prefetched related manager does."""

    def all(self):
        return self


class R(dict):
    """A row: a dict of column attnames that also reads as attributes (for schedule.compute)."""

    __slots__ = ()

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc

    @property
    def pk(self):
        return self["id"]


# --- COPY writer ----------------------------------------------------------------------------------
_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_MISSING = object()


def _fmt(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if type(value) is str:
        return value.translate(_ESC)
    return str(value)


def _fmt_json(value):
    return "\\N" if value is None else json.dumps(value, ensure_ascii=False).translate(_ESC)


def _fmt_array(value):
    if value is None:
        return "\\N"
    items = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
    return ("{" + ",".join(items) + "}").translate(_ESC)


class Table:
    """Rows of one model's table, written with COPY in batches. Columns not given take the
    field's default; a required column without one fails loudly at the first COPY."""

    BATCH = 25_000

    def __init__(self, loader, model):
        from django.db import connection
        from django.db.models import JSONField

        self.loader = loader
        self.model = model
        self.table = model._meta.db_table
        self.spec = []
        for field in model._meta.concrete_fields:
            if isinstance(field, JSONField):
                fmt = _fmt_json
            elif (field.db_type(connection) or "").endswith("[]"):
                fmt = _fmt_array
            else:
                fmt = _fmt
            default = None
            if field.has_default() or field.null or field.empty_strings_allowed:
                value = field.get_default()
                default = fmt(value() if callable(value) else value)
            self.spec.append((field.attname, fmt, default))
        self.columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)
        self.lines = []
        self.count = 0
        with connection.cursor() as cursor:
            pk = model._meta.pk.column
            cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{self.table}"')  # noqa: S608
            self.next_id = cursor.fetchone()[0] + 1

    def new_id(self):
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, row):
        parts = []
        for key, fmt, default in self.spec:
            value = row.get(key, _MISSING)
            if value is _MISSING:
                if default is None:
                    raise ValueError(f"{self.table}: no value for {key}")
                parts.append(default)
            else:
                parts.append(fmt(value))
        self.lines.append("\t".join(parts))
        if len(self.lines) >= self.BATCH:
            self.flush()

    def flush(self):
        if not self.lines:
            return
        from django.db import connection

        started = time.perf_counter()
        data = io.StringIO("\n".join(self.lines) + "\n")
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{self.table}" ({self.columns}) FROM STDIN', data, size=1 << 20
            )
        self.count += len(self.lines)
        self.lines = []
        self.loader.copy_seconds += time.perf_counter() - started


class Loader:
    def __init__(self):
        self.tables = {}
        self.history = {}  # model -> its historical model
        self.copy_seconds = 0.0

    def table(self, model):
        if model not in self.tables:
            self.tables[model] = Table(self, model)
            historical = _historical_model(model)
            if historical is not None:
                self.history[model] = historical
                self.tables[historical] = Table(self, historical)
        return self.tables[model]

    def add(self, model, row, *, history=True):
        """Write ``row`` (giving it an id if it has none); with ``history``, a '+' change-history
        row beside it when the model keeps one."""
        table = self.table(model)
        if "id" not in row:
            row["id"] = table.new_id()
        table.add(row)
        if history and model in self.history:
            self.add_history(model, row, "+")
        return row

    def add_history(self, model, row, kind, *, when=None, user_id=None):
        table = self.tables[self.history[model]]
        snapshot = dict(row)
        snapshot["history_id"] = table.new_id()
        snapshot["history_type"] = kind
        snapshot["history_change_reason"] = None
        snapshot["history_date"] = (
            when or row.get("_hd") or row.get("updated_at") or row.get("created_at")
        )
        snapshot["history_user_id"] = (
            user_id or row.get("_hu") or row.get("updated_by_id") or row.get("created_by_id")
        )
        table.add(snapshot)

    def flush(self):
        for table in self.tables.values():
            table.flush()

    def counts(self):
        return {t.table: t.count for t in self.tables.values() if t.count}


def _historical_model(model):
    manager = getattr(model, "history", None)
    historical = getattr(manager, "model", None)
    if historical is None or historical is model:
        return None
    return historical


# --- dropping and restoring constraints and indexes -----------------------------------------------
def drop_constraints(tables):
    """Drop the foreign keys and secondary indexes of ``tables``; return how to put them back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [list(tables)],
        )
        fks = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in fks:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    return fks, indexes


def restore_constraints(fks, indexes):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in fks:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


# --- the gu ---------------------------------------------------------------------------------------
class Gu:
    """Everything the generator needs to know about the organisation, after seed_demo."""

    def __init__(self, rng):
        from casemgmt.core.models import Dong, User
        from casemgmt.core.models import Gu as GuModel
        from casemgmt.core.reference import GU
        from casemgmt.core.roles import Role

        self.gu = GuModel.objects.get(name=GU)
        self.dongs = list(Dong.objects.filter(gu=self.gu).order_by("order"))
        self.managers = {d.pk: [] for d in self.dongs}
        self.supervisors = {}
        self.gu_staff = []
        for user in User.objects.filter(gu=self.gu).prefetch_related("groups"):
            role = user.role
            if role == Role.CASE_MANAGER:
                self.managers[user.dong_id].append(user.pk)
            elif role == Role.SUPERVISOR:
                self.supervisors[user.dong_id] = user.pk
            elif role == Role.GU_STAFF:
                self.gu_staff.append(user.pk)
        self.rng = rng


def add_officers(rng):
    """Bring the gu to three case managers and one team leader per dong and five gu staff."""
    from django.contrib.auth.hashers import make_password

    from casemgmt.core.models import Dong, User
    from casemgmt.core.reference import GU
    from casemgmt.core.roles import Role
    from casemgmt.core.services import assign_role

    password = make_password("welfare-bench-2026")
    dongs = list(Dong.objects.filter(gu__name=GU).order_by("order"))
    gu_id = dongs[0].gu_id
    created = 0

    def make(username, dong, role):
        nonlocal created
        user, new = User.objects.get_or_create(
            username=username,
            defaults={"name": korean_name(rng), "gu_id": gu_id, "dong": dong, "password": password,
                      "phone": f"02-450-{8000 + created:04d}"},
        )  # fmt: skip
        if new:
            assign_role(user=user, role=role)
            created += 1

    for n, dong in enumerate(dongs, start=1):
        have = [u for u in User.objects.filter(dong=dong) if u.role == Role.CASE_MANAGER]
        for k in range(len(have), 3):
            make(f"d{n:02d}.cm{k + 1}", dong, Role.CASE_MANAGER)
        if not any(u.role == Role.SUPERVISOR for u in User.objects.filter(dong=dong)):
            make(f"d{n:02d}.sv", dong, Role.SUPERVISOR)
    for k in range(2, 6):
        make(f"gu.staff{k}", None, Role.GU_STAFF)
    return created


def korean_name(rng):
    first, second = rng.sample(GIVEN_SYLLABLES, 2)
    return rng.choice(FAMILY_NAMES) + first + second


def add_registry(rng, gu, today):
    """About 120 more providers and 350 more resources for the gu's shared registry."""
    from resources.models import (
        SUBTYPES_OF_KIND,
        Provider,
        ProviderKind,
        Resource,
        ResourceDevelopment,
        Sector,
    )

    kinds = [
        ("welfare_centre", "private", "종합사회복지관"), ("children_centre", "private", "지역아동센터"),
        ("hospital", "private", "의원"), ("religious", "private", "교회"),
        ("civic_group", "private", "봉사회"), ("business", "private", "상회"),
        ("public_agency", "public", "상담센터"), ("other", "private", "나눔센터"),
    ]  # fmt: skip
    existing = set(Provider.objects.filter(gu=gu.gu).values_list("name", flat=True))
    providers = []
    for n in range(120):
        kind, sector, suffix = kinds[n % len(kinds)]
        dong = gu.dongs[n % len(gu.dongs)]
        name = f"{ROADS[dong.name][:-1]} {rng.choice('가나다라마바사아자차')}{n} {suffix}"
        if name in existing:
            continue
        existing.add(name)
        providers.append(Provider(
            gu=gu.gu, registering_dong=dong if n % 3 else None, name=name, sector=sector,
            kind=kind, contact_person=korean_name(rng), phone=f"02-0000-{5000 + n}",
            address=f"서울 광진구 {ROADS[dong.name]} {10 + n}",
        ))  # fmt: skip
    if not all(p.kind in ProviderKind.values and p.sector in Sector.values for p in providers):
        raise ValueError("a provider kind or sector the registry does not know")
    providers = Provider.objects.bulk_create(providers)
    for p in providers:
        if p.registering_dong_id:
            p.service_dongs.add(p.registering_dong_id)
    resources = []
    for n in range(350):
        kind = rng.choice(list(SUBTYPES_OF_KIND))
        provider = rng.choice(providers) if n % 5 else None
        dong = gu.dongs[n % len(gu.dongs)]
        capacity = rng.choice([None, 10, 20, 40])
        resources.append(Resource(
            gu=gu.gu, registering_dong=dong if n % 4 else None, shared_gu_wide=n % 7 != 0 or n % 4 == 0,
            name=f"{rng.choice(SERVICES)} {n}", kind=kind, subtype=rng.choice(SUBTYPES_OF_KIND[kind]),
            need_domain=rng.choice(DOMAINS), capacity=capacity,
            capacity_unit="persons" if capacity else "", capacity_in_use=0,
            provider=provider, description="지역 자원", cost="무료",
        ))  # fmt: skip
    resources = Resource.objects.bulk_create(resources)
    developments = [
        ResourceDevelopment(
            resource=r, developed_by_id=rng.choice(gu.managers[gu.dongs[n % 15].pk]),
            developed_on=today - datetime.timedelta(days=rng.randint(0, 1400)),
            method=rng.choice(["new_volunteer", "business_donation", "partnership", "other"]),
        )
        for n, r in enumerate(resources)
    ]  # fmt: skip
    ResourceDevelopment.objects.bulk_create(developments)
    return list(Provider.objects.filter(gu=gu.gu).values_list("pk", "name")), list(
        Resource.objects.filter(gu=gu.gu).values_list("pk", "name", "provider_id")
    )


# --- the generator --------------------------------------------------------------------------------
class Generator:
    def __init__(self, loader, gu, *, clients, today, providers, resources, open_per_dong):
        from cases.models import DeadlinePolicy

        self.db = loader
        self.gu = gu
        self.rng = gu.rng
        self.n_clients = clients
        self.open_per_dong = open_per_dong
        self.today = today
        self.now = datetime.datetime.now(SEOUL)
        self.providers = providers
        self.provider_names = dict(providers)
        self.resources = resources
        self.policy = DeadlinePolicy(gu_id=gu.gu.pk)  # the gu's defaults
        self.sequences = {}  # (dong, year) -> last sequence
        self.meetings = {}  # (dong, day) -> meeting id
        self.meeting_order = {}
        self.waiting = []  # cases waiting for selection: (dong, case id, manager, submitted)
        self.clients_of = {d.pk: [] for d in gu.dongs}
        self.cases_of = {d.pk: [] for d in gu.dongs}
        self.stats = {}
        self.known = list(KNOWN_NAMES)  # spread over the gu, whatever its size
        self.known_every = max(1, clients // (len(KNOWN_NAMES) + 1))
        self.hong_in_neung = False
        self.client_no = 0
        from cases.models import Case

        for dong, year, sequence in Case.objects.values_list("dong", "year", "sequence"):
            key = (dong, year)
            self.sequences[key] = max(self.sequences.get(key, 0), sequence)

    # helpers
    def at(self, day, hour=None):
        hour = self.rng.randint(9, 17) if hour is None else hour
        return datetime.datetime.combine(
            day, datetime.time(hour, self.rng.randint(0, 59), self.rng.randint(0, 59)), SEOUL
        )

    def model(self, label):
        from django.apps import apps

        return apps.get_model(label)

    def run(self, progress=None):
        from cases.models import (
            Alert,
            Assessment,
            AssessmentNeed,
            Case,
            CaseStageChange,
            Client,
            Closure,
            Consent,
            DeadlineClock,
            DiscoveryEntry,
            Evaluation,
            EvaluationGoal,
            FollowUpCheck,
            HouseholdMember,
            Intake,
            Intervention,
            Monitoring,
            PlanGoal,
            PlanItem,
            SelectionDecision,
            ServicePlan,
            Supervision,
        )  # fmt: skip
        from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting
        from resources.models import Referral, ReferralStatusChange

        self.M = dict(
            Assessment=Assessment, AssessmentNeed=AssessmentNeed, Case=Case,
            CaseStageChange=CaseStageChange, Client=Client, Closure=Closure, Consent=Consent,
            DeadlineClock=DeadlineClock, DiscoveryEntry=DiscoveryEntry, Evaluation=Evaluation,
            EvaluationGoal=EvaluationGoal, FollowUpCheck=FollowUpCheck,
            HouseholdMember=HouseholdMember, Intake=Intake, Intervention=Intervention,
            Monitoring=Monitoring, PlanGoal=PlanGoal, PlanItem=PlanItem,
            SelectionDecision=SelectionDecision, ServicePlan=ServicePlan, Supervision=Supervision,
            Alert=Alert, ActionItem=ActionItem, AgendaItem=AgendaItem, Attendee=Attendee,
            Decision=Decision, Meeting=Meeting, Referral=Referral,
            ReferralStatusChange=ReferralStatusChange,
        )  # fmt: skip
        for model in self.M.values():
            self.db.table(model)
        self.client_probe = Client(name="", phone="", address="")
        weights = [self.rng.uniform(0.7, 1.3) for _ in self.gu.dongs]
        total = sum(weights)
        weights_now = stage_weights(self.n_clients, len(self.gu.dongs), self.open_per_dong)
        stages, weights_of = zip(*weights_now.items(), strict=True)
        done = 0
        for dong, weight in zip(self.gu.dongs, weights, strict=True):
            share = round(self.n_clients * weight / total)
            if dong is self.gu.dongs[-1]:
                share = self.n_clients - done
            for _ in range(share):
                intake_only = self.rng.random() < 0.1  # ①②④: counselling ends at the intake
                self.client(
                    dong, "none" if intake_only else self.rng.choices(stages, weights_of)[0]
                )
                done += 1
                if progress and done % 10_000 == 0:
                    progress(done)
        self.discovery_backlog()
        self.upcoming_agenda()
        self.db.flush()

    # --- one client and their case -------------------------------------------------------------
    def client(self, dong, stage):
        rng = self.rng
        M = self.M
        manager = rng.choice(self.gu.managers[dong.pk])
        supervisor = self.gu.supervisors[dong.pk]
        self.client_no += 1
        if dong.name == "능동" and not self.hong_in_neung:  # the demo officer finds him
            name, self.hong_in_neung = "홍길동", True
        elif self.known and self.client_no % self.known_every == 0:
            name = self.known.pop()
        else:
            name = korean_name(rng)
        plan = self.timeline(stage)
        opened = self.today - datetime.timedelta(days=plan["now"])

        def day(rel):
            return opened + datetime.timedelta(days=rel)

        created = self.at(opened)
        born = datetime.date(rng.randint(1932, 2004), rng.randint(1, 12), rng.randint(1, 28))
        phone = (
            f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}"
            if rng.random() < 0.85
            else ""
        )
        address = f"서울 광진구 {ROADS[dong.name]} {rng.randint(1, 400)}, {rng.randint(1, 5)}0{rng.randint(1, 9)}호"
        row = R(
            dong_id=dong.pk, name=name, birth_date=born, sex=rng.choice("FM"), phone=phone,
            address=address, livelihood_status=rng.choices(
                ["basic", "near_poverty", "general"], [35, 20, 45])[0],
            resident_number=None, health_notes=None, archived_at=None, version=1,
            created_at=created, updated_at=created, created_by_id=manager, updated_by_id=manager,
        )  # fmt: skip
        self.derive_client(row)
        if stage == "ended" and rng.random() < 0.03:
            row["archived_at"] = self.at(self.today - datetime.timedelta(days=rng.randint(1, 200)))
        changed = rng.random() < 0.15 and plan["now"] > 30
        if changed:
            row["version"] = 2
            row["updated_at"] = self.at(day(rng.randint(1, plan["now"])))
        self.db.add(M["Client"], row)
        if changed:
            self.db.add_history(M["Client"], row, "~", when=row["updated_at"])
        client_id = row["id"]
        self.clients_of[dong.pk].append(client_id)
        for _ in range(rng.choices([0, 1, 2, 3], [45, 35, 15, 5])[0]):
            self.db.add(M["HouseholdMember"], R(
                client_id=client_id, name=name[0] + korean_name(rng)[1:],
                relation=rng.choice(["spouse", "child", "parent", "grandchild", "sibling"]),
                birth_date=datetime.date(rng.randint(1935, 2020), rng.randint(1, 12), 1),
                sex=rng.choice("FM"), health_notes=None, version=1, created_at=created,
                updated_at=created, created_by_id=manager, updated_by_id=manager,
            ))  # fmt: skip

        # how the person came
        route = rng.choices(["walk_in", "referral", "outreach", "neighbour"], [45, 25, 20, 10])[0]
        discovery_id = None
        if route == "outreach":
            received = opened - datetime.timedelta(days=rng.randint(3, 20))
            discovery_id = self.db.add(M["DiscoveryEntry"], R(
                dong_id=dong.pk, source=rng.choice(["blind_spot", "tongjang", "honorary", "neighbour"]),
                source_detail="", name=name, birth_date=born, phone=phone, address=address,
                risk_summary="단전·단수 위기 정보", received_on=received,
                due_on=received + datetime.timedelta(days=14), assigned_to_id=manager,
                investigated_on=opened, investigation_method="visit", result="to_intake",
                result_note="", import_batch="", version=1, created_at=self.at(received),
                updated_at=created, created_by_id=manager, updated_by_id=manager,
            ))["id"]  # fmt: skip
        is_case = stage != "none"
        intake = self.db.add(M["Intake"], R(
            client_id=client_id, intake_date=opened, route=route, route_detail="",
            discovery_id=discovery_id, presenting_problem=rng.choice(PROBLEMS),
            potential_problems="", strengths="이웃과 관계가 좋음", weaknesses="가까운 친척이 없음",
            urgency=rng.choices(["normal", "urgent", "crisis"], [80, 15, 5])[0],
            disposition="case" if is_case else rng.choice(["benefit", "service", "information"]),
            disposition_note="", counselled_by_id=manager, version=1, created_at=created,
            updated_at=created, created_by_id=manager, updated_by_id=manager,
        ))  # fmt: skip
        if is_case:
            self.case(dong, stage, plan, day, client_id, intake["id"], manager, supervisor, created)

    def timeline(self, stage):
        """Relative days (0: the intake) of each step the case took, and 'now'."""
        rng = self.rng
        if stage == "none" or stage not in STAGE_WEIGHTS:
            return {"now": rng.randint(0, int(HISTORY_YEARS * 365)), "steps": {}}
        steps = {}
        d = rng.randint(0, 2)
        steps["start_assessment"] = d
        d += rng.randint(3, 14)
        steps["submit_for_selection"] = d
        d += rng.randint(1, 7)
        steps["decide"] = d
        if stage == "not_selected":
            steps["reject"] = d
        else:
            steps["select"] = d
            d += rng.randint(1, 5)
            steps["plan"] = d
            d += rng.randint(2, 14)
            steps["start_intervention"] = d
            d += rng.randint(7, 45)
            steps["start_monitoring"] = d
            early = stage == "ended" and rng.random() < 0.15
            if early:  # moved away, died, lost contact: closed from monitoring, no follow-up
                d += rng.randint(20, 500)
                steps["close_early"] = d
                d += rng.randint(0, 7)
                steps["end_from_closure"] = d
            else:
                d += rng.randint(60, 700)
                steps["start_evaluation"] = d
                d += rng.randint(3, 20)
                steps["evaluated"] = d
                d += rng.randint(0, 10)
                steps["close"] = d
                d += rng.randint(0, 3)
                steps["start_follow_up"] = d
                steps["follow_up_until"] = d + rng.randint(30, 120)
                d = steps["follow_up_until"] + rng.randint(0, 10)
                steps["end"] = d
        if stage in ("ended", "not_selected"):
            last = max(steps.values())
            now = last + rng.randint(0, max(0, int(HISTORY_YEARS * 365) - last))
            return {"now": now, "steps": steps}
        reached = self._reached(stage)
        kept = {k: v for k, v in steps.items() if k in reached}
        entered = max(kept.values()) if kept else 0
        low, high = TIME_IN_STAGE[stage]
        stay = rng.randint(low, high)
        if stage == "follow_up":
            stay = min(stay, steps["follow_up_until"] - steps["start_follow_up"])
        kept["follow_up_until"] = steps.get("follow_up_until")
        return {"now": entered + stay, "steps": kept}

    @staticmethod
    def _reached(stage):
        moves = {
            "intake": [],
            "assessment": ["start_assessment"],
            "selection": ["start_assessment", "submit_for_selection"],
            "planning": ["start_assessment", "submit_for_selection", "decide", "select"],
        }
        if stage in moves:
            return set(moves[stage])
        order = ["start_assessment", "submit_for_selection", "decide", "select", "plan",
                 "start_intervention", "start_monitoring", "start_evaluation", "evaluated", "close",
                 "start_follow_up"]  # fmt: skip
        upto = {"intervention": "start_intervention", "monitoring": "start_monitoring",
                "evaluation": "start_evaluation", "closure": "close",
                "follow_up": "start_follow_up"}[stage]  # fmt: skip
        return set(order[: order.index(upto) + 1])

    def derive_client(self, row):
        """The columns Client.save() derives (initials, search pieces), by the model's own code."""
        probe = self.client_probe
        probe.name, probe.phone, probe.address = row["name"], row["phone"], row["address"]
        if hasattr(probe, "set_search_fields"):
            probe.set_search_fields()
            for name in ("name_initials", "search_grams"):
                if hasattr(probe, name):
                    row[name] = getattr(probe, name)
        else:
            from casemgmt.core.korean import initial_consonants

            row["name_initials"] = initial_consonants(row["name"])

    def meeting(self, dong, day, supervisor, hour=14):
        """The dong's meeting on ``day`` (created on first use, with its attendees)."""
        key = (dong.pk, day)
        if key in self.meetings:
            return self.meetings[key]
        rng = self.rng
        held = datetime.datetime.combine(day, datetime.time(hour, 0), SEOUL)
        past = day < self.today
        row = self.db.add(self.M["Meeting"], R(
            dong_id=dong.pk, kind=rng.choices(["internal_review", "team_conference"], [70, 30])[0],
            held_at=held, place=f"{dong.name} 주민센터 회의실", chair_id=supervisor,
            minutes="선정 심의 사례를 검토함." if past else "",
            finalised_at=held + datetime.timedelta(days=1) if past else None,
            finalised_by_id=supervisor if past else None, version=1,
            created_at=held - datetime.timedelta(days=7), updated_at=held,
            created_by_id=supervisor, updated_by_id=supervisor,
        ))  # fmt: skip
        for user in [supervisor, *self.gu.managers[dong.pk]]:
            self.db.add(self.M["Attendee"], R(meeting_id=row["id"], user_id=user, provider_id=None,
                                              name="", position="", attended=True))  # fmt: skip
        if past and rng.random() < 0.3:
            owner = rng.choice(self.gu.managers[dong.pk])
            due = day + datetime.timedelta(days=14)
            done = due < self.today and rng.random() < 0.85
            self.db.add(self.M["ActionItem"], R(
                meeting_id=row["id"], case_id=None, text="제공기관과 점검 일정을 정해 공유",
                owner_id=owner, owner_name="", due_on=due,
                done_at=self.at(due) if done else None, done_by_id=owner if done else None,
                cancelled_at=None, version=1, created_at=held, updated_at=held,
                created_by_id=supervisor, updated_by_id=supervisor,
            ))  # fmt: skip
        self.meetings[key] = row["id"]
        return row["id"]

    def agenda_item(self, meeting_id, case_id, manager, created):
        order = self.meeting_order.get(meeting_id, 0) + 1
        self.meeting_order[meeting_id] = order
        return self.db.add(self.M["AgendaItem"], R(
            meeting_id=meeting_id, case_id=case_id, client_id=None, question="select",
            summary="욕구사정 결과와 위기도를 요약함", order=order, version=1, created_at=created,
            updated_at=created, created_by_id=manager, updated_by_id=manager,
        ))  # fmt: skip

    def meeting_day(self, dong, day):
        """The dong's weekly meeting day on or after ``day``."""
        weekday = dong.order % 5
        return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)

    def case(self, dong, stage, plan, day, client_id, intake_id, manager, supervisor, created):
        rng = self.rng
        M = self.M
        db = self.db
        steps = plan["steps"]
        opened = day(0)
        year = opened.year
        sequence = self.sequences.get((dong.pk, year), 0) + 1
        self.sequences[(dong.pk, year)] = sequence
        case_id = db.table(M["Case"]).new_id()
        case = R(
            id=case_id, client_id=client_id, dong_id=dong.pk,
            number=f"{dong.name}-{year}-{sequence:04d}", year=year, sequence=sequence,
            intake_id=intake_id, primary_manager_id=manager, assistant_id=None, partner_worker="",
            stage="intake", case_type="", cycle=1, opened_on=opened, gu_involvement="",
            gu_manager_id=None, version=1, created_at=created, updated_at=created,
            created_by_id=manager, updated_by_id=manager,
        )  # fmt: skip
        if stage in ("intervention", "monitoring") and rng.random() < 0.03:
            case["gu_involvement"] = rng.choice(["shared", "transferred"])
            case["gu_manager_id"] = rng.choice(self.gu.gu_staff)
        history = [dict(case, _hd=created)]
        changes = Rel()
        records = {k: Rel() for k in ("assessments", "selections", "consents", "plans", "monitorings",
                                      "interventions", "closures", "follow_ups")}  # fmt: skip

        def move(key, transition, source, target, by=manager):
            at = self.at(day(steps[key]))
            change = R(case_id=case_id, transition=transition, source=source, target=target,
                       by_id=by, at=at, note="")  # fmt: skip
            changes.append(change)
            case["stage"] = target
            case["version"] += 1
            case["updated_at"] = at
            history.append(dict(case, _hd=at))

        def alert(kind, message, when, by):
            read = when.date() < self.today - datetime.timedelta(days=10) or rng.random() < 0.6
            read_at = min(when + datetime.timedelta(hours=rng.randint(1, 72)), self.now)
            db.add(M["Alert"], R(
                recipient_id=manager, case_id=case_id, kind=kind, message=message,
                url=f"/cases/{case_id}/", created_by_id=by, created_at=when,
                read_at=read_at if read else None,
            ))  # fmt: skip

        # needs assessment
        if "start_assessment" in steps:
            move("start_assessment", "start_assessment", "intake", "assessment")
            done = "submit_for_selection" in steps
            domains = rng.sample(DOMAINS, rng.randint(1, 3))
            assessed = day(steps["start_assessment"] + 1)
            completed = day(steps["submit_for_selection"]) if done else None
            assessment = db.add(M["Assessment"], R(
                case_id=case_id, number=1, is_reassessment=False, reason="", assessed_on=assessed,
                functional_assessment=None, strengths="도움을 청할 줄 앎", client_view="나아지고 싶다고 함",
                risk_level=rng.choice(["low", "medium", "high", "crisis"]), completed_on=completed,
                version=2 if done else 1, created_at=self.at(assessed),
                updated_at=self.at(completed or assessed), created_by_id=manager, updated_by_id=manager,
            ))  # fmt: skip
            records["assessments"].append(assessment)
            for priority, domain in enumerate(domains, start=1):
                db.add(M["AssessmentNeed"], R(
                    assessment_id=assessment["id"], domain=domain, client_view="",
                    current_state="현재 어려움이 큼", desired_state="스스로 생활을 꾸림",
                    change_strategy="자원 연계와 정기 상담", priority=priority,
                    _hd=assessment["created_at"], _hu=manager,
                ))  # fmt: skip
        if "submit_for_selection" in steps:
            move("submit_for_selection", "submit_for_selection", "assessment", "selection")
        # selection: by the team leader, at the dong's weekly meeting when it falls in time
        selected = stage != "not_selected"
        decided = None
        if "decide" in steps or (stage == "selection" and rng.random() < 0.3):
            meeting_day = self.meeting_day(dong, day(steps["submit_for_selection"] + 1))
            if "decide" in steps:
                decided = min(meeting_day, day(steps["decide"]))  # earlier only: keeps the order
            elif meeting_day <= self.today:
                decided = meeting_day
        if decided is not None:
            rel = (decided - opened).days
            for key in ("decide", "select", "reject"):
                if key in steps:
                    steps[key] = rel
            case_type = "specialised" if rng.random() < 0.15 else "general"
            selection = db.add(M["SelectionDecision"], R(
                case_id=case_id, selected=selected, case_type=case_type if selected else "",
                decided_on=decided, decided_by_id=supervisor, note="내부판정회의",
                version=1, created_at=self.at(decided, 15), updated_at=self.at(decided, 15),
                created_by_id=supervisor, updated_by_id=supervisor,
            ))  # fmt: skip
            records["selections"].append(selection)
            alert("decision", "팀장이 선정을 결정했습니다", selection["created_at"], supervisor)
            if decided == meeting_day:
                meeting_id = self.meeting(dong, decided, supervisor)
                item = self.agenda_item(meeting_id, case_id, manager,
                                        self.at(day(steps["submit_for_selection"])))  # fmt: skip
                db.add(M["Decision"], R(
                    item_id=item["id"], outcome=case_type if selected else "not_selected",
                    comments="", decided_by_id=supervisor,
                    decided_at=datetime.datetime.combine(decided, datetime.time(15, 0), SEOUL),
                    effect="", _hu=supervisor, _hd=self.at(decided, 15),
                ))  # fmt: skip
        elif stage == "selection":
            self.waiting.append(
                (dong, case_id, manager, self.at(day(steps["submit_for_selection"])))
            )
        if "reject" in steps:
            move("reject", "reject", "selection", "not_selected")
        if "select" in steps:
            case["case_type"] = records["selections"][-1]["case_type"]
            consent_from = day(steps["select"])
            until = (
                None
                if rng.random() < 0.6
                else consent_from + datetime.timedelta(days=rng.choice([365, 730]))
            )
            consent = db.add(M["Consent"], R(
                case_id=case_id, services_consent=True, sharing_consent=rng.random() < 0.7,
                sensitive_consent=rng.random() < 0.5, identifier_consent=rng.random() < 0.3,
                shared_items=["basic", "progress"], agencies="", valid_from=consent_from,
                valid_until=until, method=rng.choice(["paper", "on_screen"]), witness_name="",
                withdrawn_on=None, withdrawal_note="", version=1, created_at=self.at(consent_from),
                updated_at=self.at(consent_from), created_by_id=manager, updated_by_id=manager,
            ))  # fmt: skip
            records["consents"].append(consent)
            move("select", "select", "selection", "planning")
        # the service plan
        if "select" in steps and (stage != "planning" or rng.random() < 0.7):
            plan_day = day(steps.get("plan", steps["select"] + 2))
            if plan_day > self.today:
                plan_day = self.today
            signed = day(steps["start_intervention"]) if "start_intervention" in steps else None
            self.plan(case, records, plan_day, signed, manager, steps, day, stage)
        if "start_intervention" in steps:
            move("start_intervention", "start_intervention", "planning", "intervention")
        if "start_monitoring" in steps:
            self.interventions(case, records, day(steps["start_intervention"]),
                               day(steps["start_monitoring"]), manager, first=True)  # fmt: skip
            move("start_monitoring", "start_monitoring", "intervention", "monitoring")
        elif stage == "intervention" and rng.random() < 0.7:
            self.interventions(case, records, day(steps["start_intervention"]), self.today, manager)
        if "start_monitoring" in steps:
            end_key = next((k for k in ("start_evaluation", "close_early") if k in steps), None)
            end = day(steps[end_key]) if end_key else self.today
            self.monitor(case, records, day(steps["start_monitoring"]), end, manager,
                         finished=end_key is not None and "start_evaluation" in steps)  # fmt: skip
            self.interventions(case, records, day(steps["start_monitoring"]), end, manager)
            if stage in ("monitoring", "intervention") and rng.random() < 0.05:
                when = max(day(steps["start_monitoring"]), self.today - datetime.timedelta(days=20))
                db.add(M["Supervision"], R(
                    case_id=case_id, date=when, kind=rng.choice(["education", "advice", "mediation"]),
                    discussed="점검 결과를 검토함", advice="척도 변화를 당사자와 함께 볼 것",
                    action="다음 방문에서 설명", action_due=when + datetime.timedelta(days=14),
                    supervisor_id=supervisor, version=1, created_at=self.at(when),
                    updated_at=self.at(when), created_by_id=supervisor, updated_by_id=supervisor,
                ))  # fmt: skip
        if "start_evaluation" in steps:
            move("start_evaluation", "start_evaluation", "monitoring", "evaluation")
        if "evaluated" in steps or (stage == "evaluation" and rng.random() < 0.5):
            when = day(steps.get("evaluated", steps["start_evaluation"] + 3))
            when = min(when, self.today)
            evaluation = db.add(M["Evaluation"], R(
                case_id=case_id, cycle=1, evaluated_on=when, process_evaluation="계획대로 제공됨",
                outcome_evaluation="목표를 대부분 이룸", client_view="", version=1,
                created_at=self.at(when), updated_at=self.at(when), created_by_id=manager,
                updated_by_id=manager,
            ))  # fmt: skip
            for goal in case.get("_goals", []):
                db.add(M["EvaluationGoal"], R(evaluation_id=evaluation["id"], goal_id=goal,
                                              result=rng.choice(["achieved", "partly", "not"]),
                                              evidence="점검 기록"))  # fmt: skip
            if stage == "evaluation" and rng.random() < 0.4:  # closure proposed, not approved yet
                db.add(M["Closure"], R(
                    case_id=case_id, cycle=1, reason="goal_achieved", closed_on=when,
                    summary="목표 달성", follow_up_until=when + datetime.timedelta(days=90),
                    follow_up_agreed=True, approved_by_id=None, approved_on=None, version=1,
                    created_at=self.at(when), updated_at=self.at(when), created_by_id=manager,
                    updated_by_id=manager,
                ))  # fmt: skip
        for key, source, reason in (("close", "evaluation", "goal_achieved"),
                                    ("close_early", "monitoring", None)):  # fmt: skip
            if key not in steps:
                continue
            closed = day(steps[key])
            reason = reason or rng.choice(["moved_away", "death", "lost_contact"])
            until = day(steps["follow_up_until"]) if steps.get("follow_up_until") else None
            closure = db.add(M["Closure"], R(
                case_id=case_id, cycle=1, reason=reason, closed_on=closed, summary="종결",
                follow_up_until=until if reason == "goal_achieved" else None,
                follow_up_agreed=reason == "goal_achieved", approved_by_id=supervisor,
                approved_on=closed, version=2, created_at=self.at(closed, 10),
                updated_at=self.at(closed, 16), created_by_id=manager, updated_by_id=supervisor,
            ))  # fmt: skip
            records["closures"].append(closure)
            alert("decision", "팀장이 종결을 승인했습니다", closure["updated_at"], supervisor)
            move(key, "close", source, "closure")
        if "start_follow_up" in steps:
            move("start_follow_up", "start_follow_up", "closure", "follow_up")
            start = day(steps["start_follow_up"])
            end = day(steps["end"]) if "end" in steps else self.today
            check = start + datetime.timedelta(days=rng.randint(20, 35))
            while check <= end and check <= self.today:
                records["follow_ups"].append(db.add(M["FollowUpCheck"], R(
                    case_id=case_id, date=check, method="regular_contact", findings="변화가 유지됨",
                    needs_reintervention=False, version=1, created_at=self.at(check),
                    updated_at=self.at(check), created_by_id=manager, updated_by_id=manager,
                )))  # fmt: skip
                check += datetime.timedelta(days=rng.randint(25, 40))
            if "end" in steps and not records["follow_ups"]:
                records["follow_ups"].append(db.add(M["FollowUpCheck"], R(
                    case_id=case_id, date=end, method="regular_contact", findings="변화가 유지됨",
                    needs_reintervention=False, version=1, created_at=self.at(end),
                    updated_at=self.at(end), created_by_id=manager, updated_by_id=manager,
                )))  # fmt: skip
        if "end" in steps:
            move("end", "end", "follow_up", "ended")
        if "end_from_closure" in steps:
            move("end_from_closure", "end", "closure", "ended")

        # the stored schedule, by the project's own rules
        self.schedule(case, records, changes, stage)
        db.add(M["Case"], case, history=False)
        for snapshot in history:
            snapshot.update({k: case[k] for k in ("case_type", "gu_involvement", "gu_manager_id")})
            self.db.add_history(M["Case"], snapshot, "+" if snapshot is history[0] else "~",
                                when=snapshot["_hd"])  # fmt: skip
        for change in changes:
            db.add(M["CaseStageChange"], change)
        self.cases_of[dong.pk].append((case_id, client_id))
        self.stats[stage] = self.stats.get(stage, 0) + 1

    def plan(self, case, records, plan_day, signed, manager, steps, day, stage):
        rng = self.rng
        M = self.M
        db = self.db
        case_id = case["id"]
        assessment = records["assessments"][-1]
        plan = R(
            id=db.table(M["ServicePlan"]).new_id(),
            case_id=case_id,
            number=1,
            assessment_id=assessment["id"],
            short_term_goal="위기 요인을 줄인다",
            long_term_goal="스스로 생활을 꾸린다",
            signed_on=signed,
            signature_method="paper" if signed else "",
            approved_on=None,
            approved_by_id=None,
            signed_recorded_by_id=manager if signed else None,
            client_signer="",
            manager_signed_by_id=manager if signed else None,
            version=2 if signed else 1,
            created_at=self.at(plan_day),
            updated_at=self.at(signed or plan_day),
            created_by_id=manager,
            updated_by_id=manager,
        )  # fmt: skip (written with the schedule, below)
        plan["items"] = Rel()
        records["plans"].append(plan)
        case["_goals"] = []
        finished = "start_evaluation" in steps
        start = signed or plan_day
        for order, domain in enumerate(rng.sample(DOMAINS, rng.randint(1, 3)), start=1):
            goal = db.add(M["PlanGoal"], R(
                plan_id=plan["id"], domain=domain, goal_type="resources", term="mid",
                problem="현재 어려움", demand="도와 달라", need="자립의 욕구", purpose="안정된 생활",
                goal="6개월 안에 체납 요금을 모두 해소한다", order=order, acknowledged_hints=[],
                hints_acknowledged_by_id=None, hints_acknowledged_at=None,
                _hd=plan["created_at"], _hu=manager,
            ))  # fmt: skip
            case["_goals"].append(goal["id"])
            for priority in range(1, rng.randint(1, 2) + 1):
                direct = rng.random() < 0.2
                resource, provider_id, provider_name = None, None, ""
                if not direct and rng.random() < 0.6:
                    resource = rng.choice(self.resources)
                    provider_id = resource[2]
                    provider_name = self.provider_names.get(provider_id) or resource[1]
                elif not direct:
                    provider_id, provider_name = rng.choice(self.providers)
                method = rng.choices(["regular_contact", "informal", "formal", "provider"],
                                     [50, 20, 10, 20])[0]  # fmt: skip
                status = ""
                if finished:
                    status = rng.choices(["achieved", "extended"], [85, 15])[0]
                elif stage == "monitoring" and rng.random() < 0.2:
                    status = "extended"
                item = R(
                    id=db.table(M["PlanItem"]).new_id(),
                    plan_id=plan["id"], goal_id=goal["id"], service_content=rng.choice(SERVICES),
                    priority=priority, period="단기", start_date=start,
                    end_date=start + datetime.timedelta(days=rng.choice([90, 180, 365, 540, 730])),
                    times_per_week=rng.choices([1, 2, 3], [70, 20, 10])[0],
                    resource_id=resource[0] if resource else None, provider_id=provider_id,
                    provider_name=provider_name,
                    person_in_charge="" if direct else korean_name(rng), by_case_manager=direct,
                    monitoring_method=method, status=status, next_contact_due=None,
                    _hd=plan["created_at"], _hu=manager,
                )  # fmt: skip
                plan["items"].append(item)
                if signed and not direct:
                    self.referral(case, item, signed, manager, stage, steps, day)

    def referral(self, case, item, signed, manager, stage, steps, day):
        rng = self.rng
        if rng.random() < 0.5:
            return
        requested = min(signed + datetime.timedelta(days=rng.randint(0, 3)), self.today)
        flow = ["requested"]
        if stage in ("ended", "closure", "follow_up"):
            flow += ["declined"] if rng.random() < 0.1 else ["accepted", "in_service", "ended"]
        else:
            flow += rng.choices(
                [["accepted", "in_service"], ["accepted"], [], ["declined"],
                 ["accepted", "in_service", "ended"]], [65, 10, 10, 10, 5])[0]  # fmt: skip
        dates = {"requested": requested}
        when = requested
        limit = self.today
        for status in flow[1:]:
            when = min(when + datetime.timedelta(days=rng.randint(1, 10)), limit)
            dates[status] = when
        responded = dates.get("accepted") or dates.get("declined")
        row = self.db.add(self.M["Referral"], R(
            plan_item_id=item["id"], resource_id=item["resource_id"],
            provider_id=item["provider_id"] if item["resource_id"] is None else item["provider_id"],
            status=flow[-1], quantity=1, shares_information=True, requested_on=requested,
            responded_on=responded, started_on=dates.get("in_service"), ended_on=dates.get("ended"),
            decline_reason="정원이 찼음" if "declined" in flow else "", note="",
            consent_override_by_id=None, consent_override_at=None, consent_override_reason="",
            version=len(flow), created_at=self.at(requested), updated_at=self.at(when),
            created_by_id=manager, updated_by_id=manager,
        ))  # fmt: skip
        if row["resource_id"] is None and row["provider_id"] is None:
            raise AssertionError("a referral needs a target")
        previous = ""
        for status in flow:
            self.db.add(self.M["ReferralStatusChange"], R(
                referral_id=row["id"], source=previous, target=status, on=dates[status],
                by_id=manager, at=self.at(dates[status]), note="",
            ))  # fmt: skip
            previous = status
        if responded:
            when = self.at(responded)
            read = responded < self.today - datetime.timedelta(days=10) or rng.random() < 0.6
            self.db.add(self.M["Alert"], R(
                recipient_id=case["primary_manager_id"], case_id=case["id"], kind="referral",
                message="의뢰에 회신이 왔습니다", url=f"/resources/referrals/{row['id']}/",
                created_by_id=manager, created_at=when,
                read_at=min(when + datetime.timedelta(hours=5), self.now) if read else None,
            ))  # fmt: skip

    def interventions(self, case, records, start, end, manager, first=False):
        rng = self.rng
        span = max((end - start).days, 0)
        count = 1 if first else min(rng.randint(0, 3), span // 30 + 1)
        items = [i for p in records["plans"] for i in p["items"]]
        for _ in range(count):
            when = start + datetime.timedelta(days=rng.randint(0, span)) if span else start
            if when > self.today:
                continue
            kind = (
                "home_visit"
                if first
                else rng.choice(
                    [
                        "counselling",
                        "home_visit",
                        "accompaniment",
                        "linkage",
                        "advocacy",
                        "coordination",
                    ]
                )
            )
            records["interventions"].append(self.db.add(self.M["Intervention"], R(
                case_id=case["id"], plan_item_id=rng.choice(items)["id"] if items and rng.random() < 0.5 else None,
                kind=kind, date=when, duration_minutes=rng.choice([30, 60, 90]), place="자택",
                participants="", note="가정방문 상담", version=1, created_at=self.at(when),
                updated_at=self.at(when), created_by_id=manager, updated_by_id=manager,
            )))  # fmt: skip

    def monitor(self, case, records, start, end, manager, finished):
        rng = self.rng
        items = [i for p in records["plans"] for i in p["items"]]
        if not items:
            return
        end = min(end, self.today)
        interval = rng.randint(14, 40)
        dates = []
        when = end - datetime.timedelta(days=rng.randint(0, 20))
        while when > start and len(dates) < 40:
            dates.append(when)
            when -= datetime.timedelta(days=interval + rng.randint(-5, 5))
        dates.reverse()
        last_of = {}
        for n, when in enumerate(dates):
            item = items[n % len(items)]
            formal = item["monitoring_method"] == "formal" and rng.random() < 0.5
            row = self.db.add(self.M["Monitoring"], R(
                case_id=case["id"], plan_item_id=item["id"], date=when,
                method=item["monitoring_method"], findings="계획대로 제공됨",
                client_change="표정이 밝아짐", item_status="",
                scale_name="우울 척도(CES-D)" if formal else "",
                scale_score=rng.randint(5, 50) if formal else None,
                scale_max=60 if formal else None, version=1, created_at=self.at(when),
                updated_at=self.at(when), created_by_id=manager, updated_by_id=manager,
            ))  # fmt: skip
            records["monitorings"].append(row)
            last_of[item["id"]] = row
        for item in items:  # the last record of an item carries its status
            if item["status"] and item["id"] in last_of:
                last_of[item["id"]]["item_status"] = item["status"]

    def schedule(self, case, records, changes, stage):
        """Fill the stored dates (case columns, items' next contacts, clocks) with the app's rules."""
        from cases import schedule

        obj = R(case)
        obj.update({name: rel for name, rel in records.items()})
        # a plan's "items" is also a dict method: the plans go in as plain namespaces
        obj["plans"] = Rel(SimpleNamespace(**p, pk=p["id"]) for p in records["plans"])
        obj["stage_changes"] = changes
        obj["clocks"] = Rel()
        obj["stage"] = case["stage"]
        computed = schedule.compute(obj, self.policy)
        case.update(computed.columns)
        for plan in records["plans"]:
            for item in plan["items"]:
                item["next_contact_due"] = computed.items.get(item["id"])
                self.db.add(self.M["PlanItem"], item)
            self.db.add(self.M["ServicePlan"], plan)
        for kind, cycle, started_on, limit_days, due_on, stopped_on, cancelled in computed.clocks:
            self.db.add(self.M["DeadlineClock"], R(
                case_id=case["id"], cycle=cycle, kind=kind, started_on=started_on,
                limit_days=limit_days, due_on=due_on, stopped_on=stopped_on, cancelled=cancelled,
            ))  # fmt: skip
        # rows written before the case row are fine: the foreign keys come back after the load

    # --- what is not one client's case ---------------------------------------------------------
    def discovery_backlog(self):
        """Reports that never became an intake: investigated ones over the years, and the
        current queue (some past their investigation date)."""
        rng = self.rng
        for dong in self.gu.dongs:
            n = len(self.clients_of[dong.pk])
            for k in range(n // 10 + n // 200 + 2):
                pending = k < n // 200 + 2
                received = self.today - datetime.timedelta(
                    days=rng.randint(0, 30)
                    if pending
                    else rng.randint(15, int(HISTORY_YEARS * 365))
                )
                manager = rng.choice(self.gu.managers[dong.pk])
                investigated = (
                    None if pending else received + datetime.timedelta(days=rng.randint(1, 14))
                )
                self.db.add(self.M["DiscoveryEntry"], R(
                    dong_id=dong.pk, source=rng.choice(["blind_spot", "tongjang", "honorary", "neighbour", "agency"]),
                    source_detail=f"{received.year}년 {1 + received.month // 2}차" , name=korean_name(rng),
                    birth_date=datetime.date(rng.randint(1935, 2000), rng.randint(1, 12), 1),
                    phone="", address=f"서울 광진구 {ROADS[dong.name]} {rng.randint(1, 400)}",
                    risk_summary="건강보험료 체납", received_on=received,
                    due_on=received + datetime.timedelta(days=14),
                    assigned_to_id=manager if rng.random() < 0.8 else None,
                    investigated_on=investigated,
                    investigation_method="" if pending else rng.choice(["visit", "call"]),
                    result="pending" if pending else rng.choice(["no_need", "already_served", "refused", "unreachable"]),
                    result_note="", import_batch="", version=1, created_at=self.at(received),
                    updated_at=self.at(investigated or received), created_by_id=manager,
                    updated_by_id=manager,
                ))  # fmt: skip

    def upcoming_agenda(self):
        """Each dong's next meeting, with cases waiting for selection on its agenda."""
        upcoming = {}
        for dong in self.gu.dongs:
            day = self.meeting_day(dong, self.today + datetime.timedelta(days=1))
            upcoming[dong.pk] = self.meeting(dong, day, self.gu.supervisors[dong.pk])
        for dong, case_id, manager, created in self.waiting:
            if self.rng.random() < 0.5:
                self.agenda_item(upcoming[dong.pk], case_id, manager, created)


# --- access records ------------------------------------------------------------------------------
def access_records(loader, gu, generator, count, today, rng, progress=None):
    """``count`` access records over two years by most officers: views of a case or a client,
    lists showing several clients, edits, prints with a reason, logins and logouts."""
    from casemgmt.core.models import AccessRecord, AccessRecordClient, User

    usernames = dict(User.objects.values_list("pk", "username"))
    officers = []  # (user id, dong id or None, weight)
    for dong in gu.dongs:
        officers += [(u, dong.pk, 5) for u in gu.managers[dong.pk]]
        officers.append((gu.supervisors[dong.pk], dong.pk, 2))
    officers += [(u, None, 1) for u in gu.gu_staff]
    weights = [w for _u, _d, w in officers]
    dong_ids = [d.pk for d in gu.dongs]
    start = datetime.datetime.combine(today - datetime.timedelta(days=730), datetime.time(9), SEOUL)
    span = 730 * 86400
    records = loader.table(AccessRecord)
    shown = loader.table(AccessRecordClient)
    ips = {d: f"10.{20 + n}.{rng.randint(1, 250)}" for n, d in enumerate(dong_ids)}
    ips[None] = "10.1.1"
    kinds = ["view_case", "view_client", "list", "update", "print", "login", "logout"]
    kind_weights = [35, 20, 28, 8, 3, 3, 3]
    cases_of = generator.cases_of
    clients_of = generator.clients_of
    picks = rng.choices(range(len(officers)), weights, k=count)
    what = rng.choices(kinds, kind_weights, k=count)
    moments = sorted(rng.random() for _ in range(count))
    for n in range(count):
        user, dong, _w = officers[picks[n]]
        d = dong or rng.choice(dong_ids)
        seconds = moments[n] * span
        day_index, rest = divmod(int(seconds), 86400)
        at = start + datetime.timedelta(days=day_index, seconds=rest % (9 * 3600))
        kind = what[n]
        row = {"id": records.new_id(), "occurred_at": at, "user_id": user,
               "username": usernames[user], "ip_address": f"{ips[dong]}.{user % 250 + 1}",
               "client_id": None, "target": "", "path": "", "reason": ""}  # fmt: skip
        if kind in ("view_case", "update", "print") and cases_of[d]:
            case_id, client_id = rng.choice(cases_of[d])
            row.update(action={"view_case": "view", "update": "update", "print": "print"}[kind],
                       client_id=client_id, target=f"cases.case:{case_id}",
                       path=f"/cases/{case_id}/" + ("plans/1/print/" if kind == "print" else ""),
                       reason="당사자 서명용 출력" if kind == "print" else "")  # fmt: skip
        elif kind == "view_client" and clients_of[d]:
            client_id = rng.choice(clients_of[d])
            row.update(action="view", client_id=client_id, target=f"cases.client:{client_id}",
                       path=f"/clients/{client_id}/")  # fmt: skip
        elif kind == "list" and clients_of[d]:
            row.update(
                action="view", path=rng.choice(["/clients/", "/cases/", "/search/", "/calendar/"])
            )
            for client_id in set(rng.choices(clients_of[d], k=rng.randint(2, 10))):
                shown.add({"id": shown.new_id(), "record_id": row["id"], "client_id": client_id})
        else:
            row.update(action="login" if kind != "logout" else "logout", path="/accounts/login/")
        records.add(row)
        if progress and (n + 1) % 200_000 == 0:
            progress(n + 1)
    records.flush()
    shown.flush()


# --- the whole load --------------------------------------------------------------------------------
def seed(clients, log=print, open_per_dong=OPEN_PER_DONG):
    """Add the officers, registry and ``clients`` clients with their history. Returns timings."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    rng = random.Random(SEED)  # noqa: S311 - reproducible made-up data, not secrets
    today = timezone.localdate()
    timings = {}
    started = time.perf_counter()
    added = add_officers(rng)
    gu = Gu(rng)
    providers, resources = add_registry(rng, gu, today)
    timings["officers_and_registry_s"] = round(time.perf_counter() - started, 1)
    log(
        f"  {added} officers added; registry: {len(providers)} providers, {len(resources)} resources"
    )

    loader = Loader()
    generator = Generator(loader, gu, clients=clients, today=today, providers=providers,
                          open_per_dong=open_per_dong,
                          resources=resources)  # fmt: skip
    from casemgmt.core.models import AccessRecord, AccessRecordClient

    for model in [*generator_models(), AccessRecord, AccessRecordClient]:
        loader.table(model)  # with its change-history twin
    tables = sorted({t.table for t in loader.tables.values()})
    started = time.perf_counter()
    fks, indexes = drop_constraints(tables)
    timings["drop_constraints_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    generator.run(
        progress=lambda n: log(f"  {n:,} clients generated ({time.perf_counter() - started:.0f} s)")
    )
    timings["clients_and_cases_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    access_records(loader, gu, generator, clients * 10, today, rng,
                   progress=lambda n: log(f"  {n:,} access records ({time.perf_counter() - started:.0f} s)"))  # fmt: skip
    timings["access_records_s"] = round(time.perf_counter() - started, 1)
    loader.flush()
    timings["copy_s_within_above"] = round(loader.copy_seconds, 1)

    started = time.perf_counter()
    restore_constraints(fks, indexes)
    timings["restore_indexes_and_fks_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # what autovacuum keeps on a database in use
    timings["sequences_vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return {"timings": timings, "rows": loader.counts(), "stages": generator.stats,
            "today": today.isoformat()}  # fmt: skip


def generator_models():
    from django.apps import apps

    labels = [
        "cases.Client", "cases.HouseholdMember", "cases.DiscoveryEntry", "cases.Intake",
        "cases.Case", "cases.CaseStageChange", "cases.Assessment", "cases.AssessmentNeed",
        "cases.SelectionDecision", "cases.Consent", "cases.ServicePlan", "cases.PlanGoal",
        "cases.PlanItem", "cases.Intervention", "cases.Monitoring", "cases.Evaluation",
        "cases.EvaluationGoal", "cases.Closure", "cases.FollowUpCheck", "cases.Supervision",
        "cases.DeadlineClock", "cases.Alert", "meetings.Meeting", "meetings.Attendee",
        "meetings.AgendaItem", "meetings.Decision", "meetings.ActionItem", "resources.Referral",
        "resources.ReferralStatusChange",
    ]  # fmt: skip
    return [apps.get_model(label) for label in labels]
