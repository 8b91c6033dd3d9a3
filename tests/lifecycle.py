"""The lifecycle's worked examples and driver live in cases.demo (seed_demo uses them too)."""

from django.utils import timezone

from cases.demo import (  # noqa: F401
    EXAMPLES,
    assess,
    evaluate,
    intake,
    monitor_all,
    move,
    plan_and_sign,
    plan_goals,
    run_to,
    select_with_consent,
)


def today():
    """Seoul's date now: a test that runs across midnight must not compare with a stale one."""
    return timezone.localdate()
