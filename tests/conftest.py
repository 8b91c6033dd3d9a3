import os

import pytest

from casemgmt.core.roles import Role

from . import clock
from .clock import _test_clock  # noqa: F401  (autouse: --clock-at)
from .factories import ClientFactory, UserFactory, dong, gu

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright


def pytest_addoption(parser):
    clock.addoption(parser)


def pytest_configure(config):
    clock.start_shift(config)


def pytest_unconfigure(config):
    clock.stop_shift(config)


def pytest_report_header(config):
    return clock.header(config)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def neungdong():
    return dong("능동")


@pytest.fixture
def guui1dong():
    return dong("구의제1동")


@pytest.fixture
def user_in_dong(db):
    """A case manager of 능동."""
    return UserFactory(
        username="neung.officer", name="김담당", dong=dong("능동"), role=Role.CASE_MANAGER
    )


@pytest.fixture
def user_other_dong(db):
    """A case manager of 구의제1동."""
    return UserFactory(
        username="guui.officer", name="이담당", dong=dong("구의제1동"), role=Role.CASE_MANAGER
    )


@pytest.fixture
def supervisor(db):
    return UserFactory(
        username="neung.leader", name="박팀장", dong=dong("능동"), role=Role.SUPERVISOR
    )


@pytest.fixture
def gu_staff(db):
    return UserFactory(username="gu.officer", name="강구청", dong=None, gu=gu(), role=Role.GU_STAFF)


@pytest.fixture
def sysadmin(db):
    return UserFactory(
        username="admin.officer",
        name="윤관리",
        dong=None,
        gu=gu(),
        is_staff=True,
        role=Role.SYSADMIN,
    )


@pytest.fixture
def client_in_dong(db):
    return ClientFactory(dong=dong("능동"), name="한순자")


@pytest.fixture
def client_other_dong(db):
    return ClientFactory(dong=dong("구의제1동"), name="장영길")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The officers' tablets run in Korean: date pickers show 연. 월. 일.
    return {**browser_context_args, "locale": "ko-KR", "timezone_id": "Asia/Seoul"}


# --- the resource registry ----------------------------------------------------------------------


@pytest.fixture
def supervisor_other_dong(db):
    return UserFactory(
        username="guui.leader", name="정팀장", dong=dong("구의제1동"), role=Role.SUPERVISOR
    )


@pytest.fixture
def resource_of_other_dong(db):
    """A resource 구의제1동 keeps to itself (not shared gu-wide)."""
    from .resource_factories import ResourceFactory

    return ResourceFactory(
        registering_dong=dong("구의제1동"), shared_gu_wide=False, name="구의 비밀 반찬나눔"
    )


@pytest.fixture
def provider_of_other_dong(db):
    """A provider registered by 구의제1동: every officer of the gu reads it."""
    from .resource_factories import ProviderFactory

    return ProviderFactory(registering_dong=dong("구의제1동"), name="구의사랑방")


@pytest.fixture
def provider_of_other_gu(db):
    """A provider of another gu: nobody of 광진구 sees it."""
    from casemgmt.core.models import Dong, Gu

    from .resource_factories import ProviderFactory

    other_gu, _ = Gu.objects.get_or_create(name="성동구")
    other_dong, _ = Dong.objects.get_or_create(gu=other_gu, name="성수1가제1동")
    return ProviderFactory(gu=other_gu, registering_dong=other_dong, name="성수나눔터")


@pytest.fixture
def case_of_other_dong(user_other_dong, client_other_dong):
    """An open case of 구의제1동 (from its discovery queue, with a household member and a consent):
    the target of cross-dong attempts."""

    from cases import services

    entry = services.add_discovery_entry(
        by=user_other_dong,
        source="tongjang",
        name=client_other_dong.name,
        address="구의로 1",
        received_on=clock.days(-30),
        due_on=clock.days(-21),
    )
    intake = services.record_intake(
        client=client_other_dong,
        by=user_other_dong,
        discovery=entry,
        intake_date=clock.days(-29),
        route="outreach",
        presenting_problem="월세 체납",
        disposition="case",
    )
    services.add_household_member(
        client=client_other_dong, by=user_other_dong, name="장아들", relation="child"
    )
    services.record_consent(
        case=intake.case, by=user_other_dong, services_consent=True, method="paper"
    )
    return intake.case


@pytest.fixture
def reference_data(transactional_db):
    """Transactional (browser) tests: the flush between tests wipes what migrations put in.

    Put back what post_migrate makes (content types, permissions, role groups) and the gu's dongs.
    """
    from django.core.management.sql import emit_post_migrate_signal

    from casemgmt.core.models import Dong, Gu
    from casemgmt.core.reference import ensure_gwangjin

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    ensure_gwangjin(Gu, Dong)


# The demo seed (seed_demo) takes about ten seconds, mostly plans signed and rendered to PDF.
# A worker seeds once per Seoul day and keeps a copy of the database: on SQLite with SQLite's
# backup API, on PostgreSQL as each table's COPY and each sequence's value. A later test restores
# the copy in well under a second. The signed PDFs live in the in-memory storage of the same
# process, which the copy's rows still point to.
_demo_copies = {}


class _SqliteCopy:
    def __init__(self, connection):
        import sqlite3

        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(self.copy)

    def restore(self, connection):
        self.copy.backup(connection.connection)


class _PostgresCopy:
    def __init__(self, connection):
        import io

        self.tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        self.rows = {}
        with connection.cursor() as cursor:
            for table in self.tables:
                buffer = io.BytesIO()
                cursor.cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                self.rows[table] = buffer.getvalue()
            cursor.execute(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
            self.sequences = cursor.fetchall()

    def restore(self, connection):
        import io

        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys allow it
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in self.tables) + " CASCADE")
            for table, rows in self.rows.items():
                cursor.cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(rows))
            for sequence, value in self.sequences:
                cursor.execute("SELECT setval(%s, %s, true)", [sequence, value])


@pytest.fixture
def demo(transactional_db, reference_data):
    """The database as `manage.py seed_demo` leaves it (a fresh seed, or an identical copy)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    connection.ensure_connection()
    key = (connection.vendor, timezone.localdate())
    copy = _demo_copies.get(key)
    if copy is None:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        copy = (_SqliteCopy if connection.vendor == "sqlite" else _PostgresCopy)(connection)
        _demo_copies.clear()
        _demo_copies[key] = copy
    else:
        copy.restore(connection)
        ContentType.objects.clear_cache()  # the copy's content types, not the flushed ones


@pytest.fixture(autouse=True)
def _browser_tests_start_from_reference_data(request):
    if request.node.get_closest_marker("browser"):
        request.getfixturevalue("reference_data")


@pytest.fixture
def meeting_of_other_dong(user_other_dong, case_of_other_dong, supervisor_other_dong):
    """A meeting of 구의제1동 with an agenda item, an external partner and a returned task."""

    from meetings import services

    from .resource_factories import ProviderFactory

    meeting = services.create_meeting(
        by=user_other_dong,
        kind="team_conference",
        held_at=clock.at(1, 10),
        place="구의제1동 회의실",
        chair=supervisor_other_dong,
    )
    partner = services.add_attendee(
        meeting=meeting, by=user_other_dong, provider=ProviderFactory(), name="외부참석"
    )
    item = services.place_on_agenda(
        meeting=meeting,
        case=case_of_other_dong,
        question="consultation",
        by=user_other_dong,
        partners=[partner],
    )
    return meeting, item, partner


# --- referrals ----------------------------------------------------------------------------------


@pytest.fixture
def referral_of_other_dong(user_other_dong, supervisor_other_dong, provider_of_other_dong):
    """A referral of a 구의제1동 case (being planned; its one item linked to a provider)."""
    from .referral_helpers import case_in_planning, plan_with_item, refer

    case = case_in_planning(user_other_dong, supervisor_other_dong, name="구자경")
    item = plan_with_item(case, user_other_dong, provider=provider_of_other_dong)
    return refer(item, user_other_dong, shares_information=False)
