"""The four worked examples of the textbook run from intake to the end of follow-up."""

import pytest

from cases.models import CaseStageChange, Stage

from . import lifecycle
from .factories import ClientFactory, dong

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("example", sorted(lifecycle.EXAMPLES))
def test_a_worked_example_runs_from_intake_to_the_end_of_follow_up(
    example, user_in_dong, supervisor
):
    data = lifecycle.EXAMPLES[example]
    client = ClientFactory(dong=dong("능동"), **data["client"])
    case = lifecycle.run_to(
        Stage.ENDED, officer=user_in_dong, supervisor=supervisor, client=client, example=data
    )
    case.refresh_from_db()
    assert case.stage == Stage.ENDED
    assert case.case_type == "general"
    path = list(CaseStageChange.objects.filter(case=case).values_list("source", "target"))
    assert path == [
        ("intake", "assessment"), ("assessment", "selection"), ("selection", "planning"),
        ("planning", "intervention"), ("intervention", "monitoring"), ("monitoring", "evaluation"),
        ("evaluation", "closure"), ("closure", "follow_up"), ("follow_up", "ended"),
    ]  # fmt: skip
    plan = case.plans.get()
    assert plan.goals.count() == len(data["goals"])
    assert plan.items.count() == sum(len(g[3]) for g in data["goals"])
    assert case.number == f"능동-{lifecycle.today().year}-0001"
