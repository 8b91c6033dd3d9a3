import os

import pytest

from casemgmt.core.roles import Role

from .factories import ClientFactory, UserFactory, dong, gu

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright


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
