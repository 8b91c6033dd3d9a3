"""The test clock: no test may depend on the day the suite runs.

Tests take their dates from `today()` / `days(n)` (Seoul's date, asked at the moment of use) or
freeze the clock themselves. To prove it, the suite can run with the clock moved:

    pytest --shift-days=550                       # every test runs a year and a half from now
    pytest --clock-at="2027-12-31 23:59:58"       # every test starts there (Asia/Seoul), ticking

The clock keeps ticking, so a test started before midnight crosses into the next day, month or
year. CI runs both (see `.ci/run`). The environment variables TEST_SHIFT_DAYS and TEST_CLOCK_AT
do the same as the options.
"""

import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def today() -> datetime.date:
    """Seoul's date now (on the test clock)."""
    return timezone.localdate(timezone.now(), SEOUL)


def days(n: int) -> datetime.date:
    """Seoul's date n days from today (negative: in the past)."""
    return today() + datetime.timedelta(days=n)


def iso(n: int = 0) -> str:
    """`days(n)` as a form posts it: YYYY-MM-DD."""
    return days(n).isoformat()


def at(n: int, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware moment in Seoul, n days from today."""
    return datetime.datetime.combine(days(n), datetime.time(hour, minute), tzinfo=SEOUL)


def addoption(parser):
    group = parser.getgroup("clock", "moving the test clock")
    group.addoption(
        "--shift-days",
        type=int,
        default=int(os.environ.get("TEST_SHIFT_DAYS", "0") or 0),
        help="run every test with the clock moved this many days from now",
    )
    group.addoption(
        "--clock-at",
        default=os.environ.get("TEST_CLOCK_AT", ""),
        help="start every test at this moment (ISO; naive means Asia/Seoul), clock ticking",
    )


def _parse_moment(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=SEOUL)


def start_shift(config):
    """A shift applies to the whole run (session fixtures and the live server included)."""
    shift = config.getoption("shift_days")
    if shift:
        traveller = time_machine.travel(
            datetime.timedelta(days=shift) + datetime.datetime.now(datetime.UTC), tick=True
        )
        traveller.start()
        config._clock_traveller = traveller


def stop_shift(config):
    traveller = getattr(config, "_clock_traveller", None)
    if traveller is not None:
        traveller.stop()


@pytest.fixture(autouse=True)
def _test_clock(request):
    """With --clock-at, each test starts at that moment and the clock runs on from there."""
    moment = request.config.getoption("clock_at")
    if not moment:
        yield
        return
    with time_machine.travel(_parse_moment(moment), tick=True):
        yield


def header(config) -> str | None:
    shift, moment = config.getoption("shift_days"), config.getoption("clock_at")
    if shift:
        return f"test clock: moved {shift} days ahead (today in Seoul: {today()})"
    if moment:
        return f"test clock: every test starts at {_parse_moment(moment).isoformat()}"
    return None
