"""Demo and test data for the lifecycle: the four worked examples of the Gwangjin-gu textbook
(told in our own words), and a driver that runs a case through its stages with the services,
as an officer and a supervisor would. seed_demo and the tests both use it.
"""

import datetime

from django.utils import timezone

from . import services
from .choices import NeedDomain
from .models import (
    ConsentMethod,
    Disposition,
    GoalTerm,
    GoalType,
    IntakeRoute,
    MonitoringMethod,
    Stage,
)

EXAMPLES = {
    "frequent_illness": {
        "client": {"name": "윤미경", "birth_date": datetime.date(1986, 4, 2), "sex": "F"},
        "presenting_problem": "아이가 감기와 장염을 달고 살아서 걱정이 크다고 함",
        "demand": "병원비를 지원해 달라",
        "goals": [
            (
                NeedDomain.HEALTH,
                "아이의 건강 회복",
                "6개월 안에 병원 치료 일수를 지금보다 30% 줄인다",
                [
                    "보건소 영유아 건강검진 연계",
                    "반찬 나눔 봉사단의 균형 잡힌 식사 지원",
                    "치료비 지원 신청",
                ],
            ),
            (
                NeedDomain.EDUCATION,
                "또래 수준의 발달",
                "1년 안에 아이의 발달 검사 결과가 정상 범위에 든다",
                ["육아종합지원센터 발달 검사 의뢰"],
            ),
        ],
    },
    "school_grades": {
        "client": {"name": "조은숙", "birth_date": datetime.date(1979, 9, 17), "sex": "F"},
        "presenting_problem": "중학생 자녀의 성적이 하위권이라 속상하다고 함",
        "demand": "학원비를 지원해 달라",
        "goals": [
            (
                NeedDomain.SOCIAL,
                "자녀의 자존감 회복",
                "4개월 안에 자존감 척도 점수가 30% 이상 오른다",
                ["복지관 아동 심리상담 연계"],
            ),
            (
                NeedDomain.EDUCATION,
                "학업 능력 향상",
                "한 학기 안에 평균 성적이 지금보다 30% 오른다",
                ["학습진단 검사(사례관리자가 시행)", "대학생 자원봉사 학습 멘토링 연결"],
            ),
        ],
    },
    "withheld_living_expenses": {
        "client": {"name": "응우옌티투", "birth_date": datetime.date(1991, 1, 25), "sex": "F"},
        "presenting_problem": "남편이 생활비를 주지 않아 불안하고 일자리를 구하고 싶다고 함",
        "demand": "일자리를 소개해 달라",
        "goals": [
            (
                NeedDomain.FAMILY,
                "평등한 부부 관계 회복",
                "3개월 안에 남편이 가계 사정을 함께 나누고 생활비를 맡긴다",
                ["건강가정지원센터 부부상담 연계"],
            ),
        ],
    },
    "violence_and_drinking": {
        "client": {"name": "팜티란", "birth_date": datetime.date(1988, 7, 8), "sex": "F"},
        "presenting_problem": "남편이 술을 마시고 들어와 아이들을 때려 무섭다고 함(가정폭력 신고 이력 있음)",
        "demand": "이혼하도록 도와 달라",
        "goals": [
            (
                NeedDomain.HEALTH,
                "남편의 건강 회복",
                "3개월 안에 남편의 불면증이 해소된다",
                ["복지관 중독 상담 연계"],
            ),
            (
                NeedDomain.SAFETY,
                "자녀의 안전 확보",
                "3개월 안에 자녀에 대한 폭력이 70% 이상 줄어든다",
                ["아동보호전문기관 연계", "접근금지명령 법률 지원"],
            ),
            (
                NeedDomain.FAMILY,
                "안정적인 가정생활",
                "6개월 동안 가족 안에서 폭력 없는 생활이 이어진다",
                ["가족상담 연계"],
            ),
        ],
    },
}


# Each assessed need of the examples, by domain: the current state and the client's own view in
# that domain (the plan's problem and wish come from here, not from the intake), the need as 002
# names it, and the goal's type (002) and term (001).
NEEDS = {
    "frequent_illness": {
        NeedDomain.HEALTH: (
            "아이가 감기와 장염으로 한 달에 열흘 넘게 병원에 다님",
            "병원비를 지원해 주면 좋겠다고 함",
            "건강 회복의 욕구",
            GoalType.SOCIAL_ROLE_SKILLS,
            GoalTerm.MID,
        ),
        NeedDomain.EDUCATION: (
            "잦은 병치레로 아이의 말과 걸음이 또래보다 늦다는 말을 들음",
            "또래만큼 자랐으면 좋겠다고 함",
            "정상 발달의 욕구",
            GoalType.SOCIAL_ROLE_SKILLS,
            GoalTerm.LONG,
        ),
    },
    "school_grades": {
        NeedDomain.SOCIAL: (
            "자녀가 성적 때문에 위축되어 친구를 잘 만나지 않음",
            "아이가 기가 죽은 게 마음 아프다고 함",
            "자존감 회복의 욕구",
            GoalType.RELATIONSHIPS,
            GoalTerm.MID,
        ),
        NeedDomain.EDUCATION: (
            "중학생 자녀의 성적이 하위권임",
            "학원비를 지원해 달라고 함",
            "학업 능력 향상의 욕구",
            GoalType.SOCIAL_ROLE_SKILLS,
            GoalTerm.MID,
        ),
    },
    "withheld_living_expenses": {
        NeedDomain.FAMILY: (
            "남편이 생활비를 주지 않아 가계 사정을 모름(기초 생활은 유지됨)",
            "일자리를 소개해 달라고 함",
            "평등한 부부 관계 회복의 욕구",
            GoalType.RELATIONSHIPS,
            GoalTerm.SHORT,
        ),
    },
    "violence_and_drinking": {
        NeedDomain.HEALTH: (
            "남편이 술을 마시지 않으면 잠을 못 자고 우울해함",
            "남편의 술버릇이 고쳐졌으면 한다고 함",
            "남편의 건강 회복 욕구",
            GoalType.HARMFUL_BEHAVIOUR,
            GoalTerm.SHORT,
        ),
        NeedDomain.SAFETY: (
            "남편이 술을 마시고 아이들을 때림(가정폭력 신고 이력 있음)",
            "아이들과 내가 맞지 않게 해 달라고 함",
            "자녀의 안전 확보 욕구",
            GoalType.HARMFUL_BEHAVIOUR,
            GoalTerm.SHORT,
        ),
        NeedDomain.FAMILY: (
            "이혼을 생각하지만 가정을 지키고 싶은 마음도 있다고 함",
            "이혼하도록 도와 달라고 함",
            "안정적인 결혼생활의 욕구",
            GoalType.RELATIONSHIPS,
            GoalTerm.MID,
        ),
    },
}
for _key, _example in EXAMPLES.items():
    _example["needs"] = NEEDS[_key]

# Services the case manager gives herself (사례관리자 직접 제공): 002's "학습진단 검사 의뢰 혹은
# 사례관리자가 시행".
DIRECT_SERVICES = {"학습진단 검사(사례관리자가 시행)"}


def intake(officer, client, example, disposition=Disposition.CASE_MANAGEMENT, on=None):
    return services.record_intake(
        client=client,
        by=officer,
        intake_date=on or timezone.localdate(),
        route=IntakeRoute.WALK_IN,
        presenting_problem=example["presenting_problem"],
        strengths="이웃과 관계가 좋고 도움을 청할 줄 앎",
        weaknesses="가까운 친척이 없음",
        disposition=disposition,
    )


def assess(officer, case, example):
    assessment = services.start_assessment(
        case=case,
        by=officer,
        functional_assessment="일상생활은 스스로 하나 정서적으로 지쳐 있음",
        risk_level="medium",
    )
    services.update_assessment(
        assessment=assessment,
        by=officer,
        expected_version=assessment.version,
        needs=[
            {
                "domain": domain,
                "current_state": example["needs"][domain][0],
                "client_view": example["needs"][domain][1],
                "desired_state": purpose,
                "change_strategy": goal,
                "priority": n,
            }
            for n, (domain, purpose, goal, _services) in enumerate(example["goals"], start=1)
        ],
    )
    return services.complete_assessment(assessment=assessment, by=officer)


def select_with_consent(officer, supervisor, case):
    services.decide_selection(
        case=case, by=supervisor, selected=True, case_type="general", note="내부판정회의"
    )
    services.record_consent(
        case=case,
        by=officer,
        services_consent=True,
        sharing_consent=True,
        shared_items=["basic", "progress"],
        agencies="광진종합사회복지관\n광진구 보건소",
        sensitive_consent=True,
        identifier_consent=True,
        method=ConsentMethod.SIGNED_PAPER,
    )


def plan_goals(example, start=None):
    today = start or timezone.localdate()
    goals = []
    for domain, purpose, goal, service_list in example["goals"]:
        problem, wish, need, goal_type, term = example["needs"][domain]
        goals.append(
            {
                "domain": domain,
                "goal_type": goal_type,
                "term": term,
                "problem": problem,
                "demand": wish,
                "need": need,
                "purpose": purpose,
                "goal": goal,
                "items": [
                    _demo_item(service, p, today) for p, service in enumerate(service_list, start=1)
                ],
            }
        )
    return goals


def _demo_item(service, priority, start):
    direct = service in DIRECT_SERVICES
    return {
        "service_content": service,
        "priority": priority,
        "period": "단기",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=90),
        "times_per_week": 1,
        # a direct service: ⑩ and ⑪ are filled in by the service (the case manager)
        "by_case_manager": direct,
        "provider_name": "" if direct else "광진종합사회복지관",
        "person_in_charge": "" if direct else "김상담",
        "monitoring_method": MonitoringMethod.REGULAR_CONTACT,
    }


def plan_and_sign(officer, case, example, start=None):
    plan = services.create_plan(
        case=case,
        by=officer,
        short_term_goal="위기 요인을 줄인다",
        long_term_goal="가족이 스스로 생활을 꾸린다",
        goals=plan_goals(example, start=start),
    )
    return services.sign_plan(
        plan=plan, by=officer, method=ConsentMethod.SIGNED_PAPER, manager_signed=True
    )


def monitor_all(officer, case, status="achieved"):
    plan = case.plans.order_by("-number").first()
    for item in plan.items.all():
        services.record_monitoring(
            case=case,
            by=officer,
            plan_item=item,
            method=MonitoringMethod.REGULAR_CONTACT,
            findings="계획대로 제공됨",
            client_change="표정이 밝아짐",
            item_status=status,
        )


def evaluate(officer, case):
    plan = case.plans.order_by("-number").first()
    return services.record_evaluation(
        case=case,
        by=officer,
        process_evaluation="계획한 서비스가 제때 제공됨",
        outcome_evaluation="목표를 대부분 이룸",
        client_view="많이 나아졌다고 함",
        goal_results=[
            {"goal": g, "result": "achieved", "evidence": "점검 기록"} for g in plan.goals.all()
        ],
    )


def move(case, transition, by, note=""):
    return services.move_case(case=case, transition=transition, by=by, note=note)


def run_to(stage, *, officer, supervisor, client, example, days_ago=0):
    """Run a fresh case up to ``stage`` (a Stage value) and return it. ``days_ago``: the intake
    (and the plan's service items) that many days back, so its clocks and contacts run late."""
    opened = timezone.localdate() - datetime.timedelta(days=days_ago)
    order = [
        Stage.INTAKE,
        Stage.ASSESSMENT,
        Stage.SELECTION,
        Stage.PLANNING,
        Stage.INTERVENTION,
        Stage.MONITORING,
        Stage.EVALUATION,
        Stage.CLOSURE,
        Stage.FOLLOW_UP,
        Stage.ENDED,
    ]
    case = intake(officer, client, example, on=opened).case
    steps = {
        Stage.ASSESSMENT: lambda: move(case, "start_assessment", officer),
        Stage.SELECTION: lambda: (
            assess(officer, case, example),
            move(case, "submit_for_selection", officer),
        ),
        Stage.PLANNING: lambda: (
            select_with_consent(officer, supervisor, case),
            move(case, "select", officer),
        ),
        Stage.INTERVENTION: lambda: (
            plan_and_sign(officer, case, example, start=opened),
            move(case, "start_intervention", officer),
        ),
        Stage.MONITORING: lambda: (
            services.record_intervention(
                case=case, by=officer, kind="home_visit", note="가정방문 상담", place="자택"
            ),
            move(case, "start_monitoring", officer),
        ),
        Stage.EVALUATION: lambda: (
            monitor_all(officer, case),
            move(case, "start_evaluation", officer),
        ),
        Stage.CLOSURE: lambda: (
            evaluate(officer, case),
            services.propose_closure(
                case=case,
                by=officer,
                reason="goal_achieved",
                summary="목표 달성",
                follow_up_until=timezone.localdate(),
                follow_up_agreed=True,
            ),
            services.approve_closure(case=case, by=supervisor),
            move(case, "close", officer),
        ),
        Stage.FOLLOW_UP: lambda: move(case, "start_follow_up", officer),
        Stage.ENDED: lambda: (
            services.record_follow_up(
                case=case, by=officer, method="regular_contact", findings="변화가 유지됨"
            ),
            move(case, "end", officer),
        ),
    }
    for step in order[1 : order.index(stage) + 1]:
        steps[step]()
    return case


# --- seed_demo: cases in every stage in both demo dongs -------------------------------------------
DEMO_STAGES = [
    Stage.INTAKE, Stage.ASSESSMENT, Stage.SELECTION, Stage.PLANNING, Stage.INTERVENTION,
    Stage.MONITORING, Stage.EVALUATION, Stage.CLOSURE, Stage.FOLLOW_UP, Stage.ENDED, Stage.NOT_SELECTED,
]  # fmt: skip

DEMO_CASE_CLIENTS = {
    "능동": [
        "윤미경",
        "조은숙",
        "응우옌티투",
        "팜티란",
        "김복순",
        "이영철",
        "박정희",
        "최순덕",
        "강민수",
        "한지혜",
        "임춘자",
    ],
    "구의제1동": [
        "송미라",
        "오세훈",
        "배정자",
        "신동욱",
        "권영숙",
        "황보람",
        "안재석",
        "유옥분",
        "전민호",
        "홍성희",
        "구자영",
    ],
}


DEMO_MEN = {"이영철", "강민수", "오세훈", "신동욱", "안재석", "전민호", "구자영"}


# How long ago each demo case came in, so that the deadline clocks and the monitoring contacts show
# every state on a fresh demo: running, close to the limit, over it, stopped (on time or late).
DEMO_DAYS_AGO = {
    "능동": {
        Stage.INTAKE: 8,  # assessment due in 2 days
        Stage.ASSESSMENT: 13,  # assessment 3 days over
        Stage.SELECTION: 12,  # assessment done 2 days late; selection running
        Stage.PLANNING: 20,  # planning running; intake to plan 10 days left
        Stage.INTERVENTION: 25,  # contacts overdue
        Stage.MONITORING: 40,
    },
    "구의제1동": {Stage.ASSESSMENT: 4, Stage.INTERVENTION: 10, Stage.MONITORING: 20},
}


def seed_demo_cases(*, dongs, officers, supervisors):
    """Idempotent: a client who already has a case is left as it is."""
    import datetime as dt

    from .models import Client

    examples = list(EXAMPLES.values())
    for dong_name, names in DEMO_CASE_CLIENTS.items():
        officer, supervisor = officers[dong_name], supervisors[dong_name]
        for n, (name, stage) in enumerate(zip(names, DEMO_STAGES, strict=True)):
            example = examples[n % len(examples)]
            client, _ = Client.objects.get_or_create(
                dong=dongs[dong_name],
                name=name,
                defaults={
                    "birth_date": dt.date(1950 + 3 * n, 1 + n % 12, 1 + 2 * n),
                    "sex": "M" if name in DEMO_MEN else "F",
                    "address": f"서울 광진구 {dong_name} 예시로 {10 + n}",
                    "phone": f"010-{5000 + n:04d}-{1000 + 7 * n:04d}",
                    "livelihood_status": ["basic", "near_poverty", "general"][n % 3],
                    "created_by": officer,
                    "updated_by": officer,
                },
            )
            if client.cases.exists():
                continue
            if stage == Stage.NOT_SELECTED:
                case = run_to(
                    Stage.SELECTION,
                    officer=officer,
                    supervisor=supervisor,
                    client=client,
                    example=example,
                )
                services.decide_selection(
                    case=case, by=supervisor, selected=False, note="긴급지원(①)으로 연계"
                )
                move(case, "reject", officer)
            else:
                case = run_to(
                    stage, officer=officer, supervisor=supervisor, client=client, example=example,
                    days_ago=DEMO_DAYS_AGO[dong_name].get(stage, 0),
                )  # fmt: skip
                if stage == Stage.MONITORING and dong_name == "능동":
                    scores_and_supervision(case, officer=officer, supervisor=supervisor)


def scores_and_supervision(case, *, officer, supervisor):
    """Formal monitoring with a scale at two dates (the case page draws the change), and the team
    leader's supervision on what to do next (on the timeline; the case manager is alerted)."""
    from .supervision import record_supervision

    today = timezone.localdate()
    scale = "자아존중감 척도(Rosenberg)"
    for days_ago, score, note in [
        (35, 18, "심리상담 시작 전 자녀의 자존감 척도 측정"),
        (5, 24, "심리상담 8회 뒤 다시 측정: 6점 오름"),
    ]:
        services.record_monitoring(
            case=case,
            by=officer,
            date=today - datetime.timedelta(days=days_ago),
            method=MonitoringMethod.FORMAL,
            findings=note,
            scale_name=scale,
            scale_score=score,
            scale_max=40,
        )
    record_supervision(
        case=case,
        by=supervisor,
        date=today - datetime.timedelta(days=2),
        kind="advice",
        discussed="자존감 척도 점수가 올랐으나 어머니는 여전히 학원비 지원을 원함",
        advice="점수 변화를 어머니와 함께 보고, 학습 멘토링이 성적에 주는 효과를 설명할 것",
        action="다음 가정방문에서 척도 결과를 설명하고 멘토링 일정을 함께 정한다",
        action_due=today + datetime.timedelta(days=7),
    )


# --- long plans (printed-form tests and the PDF benchmark) ------------------------------------------
LONG_PLAN_SERVICES = [
    "주 1회 가정방문 상담으로 생활 리듬 점검",
    "복지관 밑반찬 배달 연계",
    "보건소 방문건강관리 연계",
    "자활근로 참여 상담과 신청 지원",
    "전기·가스 요금 체납 해소를 위한 후원 연계",
    "지역아동센터 방과후 돌봄 연계",
    "정신건강복지센터 우울 선별검사 의뢰",
    "이웃 안부 확인 모임(통장·이웃) 연결",
]


def long_plan_goals(example, n_items):
    """The example's goals with ``n_items`` service items spread over them (for long forms)."""
    goals = plan_goals(example)
    template = goals[0]["items"][0]
    for goal in goals:
        goal["items"] = []
    for n in range(n_items):
        item = dict(template)
        item["service_content"] = f"{n + 1}. {LONG_PLAN_SERVICES[n % len(LONG_PLAN_SERVICES)]}"
        item["priority"] = n // len(goals) + 1
        goals[n % len(goals)]["items"].append(item)
    return goals
