"""Builders for the referral tests: a case at planning with one linked service item."""

import datetime

from django.utils import timezone

from cases import services as case_services
from cases.demo import EXAMPLES, run_to
from cases.models import ConsentMethod, Stage
from resources import services

from .factories import ClientFactory


def case_in_planning(officer, supervisor, *, name="나의뢰", example="frequent_illness"):
    client = ClientFactory(dong=officer.dong, name=name)
    return run_to(
        Stage.PLANNING,
        officer=officer,
        supervisor=supervisor,
        client=client,
        example=EXAMPLES[example],
    )


def plan_with_item(case, officer, *, resource=None, provider=None, domain="health", items=1):
    """A new plan version with one goal and ``items`` service items linked to the resource
    (and its provider) or to the provider."""
    today = timezone.localdate()
    plan = case_services.create_plan(
        case=case,
        by=officer,
        short_term_goal="위기 요인을 줄인다",
        long_term_goal="스스로 생활을 꾸린다",
        goals=[
            {
                "domain": domain,
                "problem": "아이가 자주 아픔",
                "need": "아이의 건강 회복",
                "purpose": "아이의 건강 회복",
                "goal": "6개월 안에 병원 치료 일수를 30% 줄인다",
                "items": [
                    {
                        "service_content": f"연계 서비스 {n}",
                        "priority": n,
                        "start_date": today,
                        "end_date": today + datetime.timedelta(days=90),
                        "times_per_week": 1,
                        "resource": resource,
                        "provider": provider or (resource.provider if resource else None),
                        "provider_name": str(
                            provider or getattr(resource, "provider", None) or resource
                        ),
                        "monitoring_method": "provider",
                    }
                    for n in range(1, items + 1)
                ],
            }
        ],
    )
    return plan.items.order_by("priority").first() if items == 1 else list(plan.items.all())


def consent_for(case, officer, *providers, sharing=True):
    return case_services.record_consent(
        case=case,
        by=officer,
        services_consent=True,
        sharing_consent=sharing,
        shared_items=["basic", "progress"] if sharing else [],
        providers=list(providers),
        method=ConsentMethod.SIGNED_PAPER,
    )


def refer(item, by, **kwargs):
    return services.create_referral(plan_item=item, by=by, **kwargs)
