"""Goal checks: the common mistakes of goal setting in seed 002, as hints (not refusals).

The rules are tested as a table: one row per mistake that must be flagged, and the four worked
examples of 002 (and the demo's goals) as good goals that pass without a hint. Then the plan
page: a goal with hints is shown again with them beside the field and nothing is saved; ticking
"이대로 저장" saves it and records which hints were kept, by whom and when; a good goal saves
at once.
"""

import pytest
from django.urls import reverse

from cases import goal_checks
from cases.goal_checks import (
    LIFELONG,
    NO_SUBJECT,
    NO_TIME_FRAME,
    PER_SERVICE,
    SERVICE_AS_GOAL,
    VAGUE,
    check_goal,
)
from cases.models import Stage

from . import lifecycle
from .factories import ClientFactory, dong

# --- the rules -----------------------------------------------------------------------------------
# The four worked examples of 002's planning table (problem, need, purpose, goal), word for word.
EXAMPLE_1_PROBLEM = (
    "(“우리 아이가 잔병치레가 너무 많아서 걱정이예요”) 아이의 건강상태가 심각하게 나빠 보임"
)
EXAMPLE_2_PROBLEM = "(우리 아이가 공부를 못해서 큰일이에요) 학교성적 하위권임"
EXAMPLE_3_PROBLEM = (
    "(“남편이 생활비를 안줘요”, “돈을 벌어야해요”) 실제 기초적인 생활은 해결되고 있음"
)
EXAMPLE_4_PROBLEM = (
    "(“남편이 술을 너무 많이 마시고 들어와 아이들을 때려서 무서워요”) 가정폭력으로 신고된 적이 "
    "있으며, 학대의 증거가 있음"
)
WORKED_EXAMPLES = {
    "1 자녀의 잦은 병치레": [
        (EXAMPLE_1_PROBLEM, "건강회복의 욕구", "자녀의 건강회복",
         "6개월 내에 현 수준보다 병원치료 일수 30%감소"),
        (EXAMPLE_1_PROBLEM, "정상발달의 욕구", "정상발달 수준의 달성",
         "1년 내에 정상발달 기준표의 정상 발달 범주안에 들기"),
    ],
    "2 학교 성적": [
        (EXAMPLE_2_PROBLEM, "자존감 회복의 욕구", "자존감 회복",
         "(자존감척도 활용하여 몇개월 내에 30%이상의 자존감 향상됨"),
        (EXAMPLE_2_PROBLEM, "학업능력향상의 욕구", "학업능력향상",
         "몇개월 내에 현재 평균 성적보다 30%향상"),
    ],
    "3 생활비를 주지 않는 남편": [
        (EXAMPLE_3_PROBLEM, "평등한 부부관계 회복욕구", "평등한 부부관계회복",
         "몇개월 안에 남편이 가정사, 특히 경제 상황에 대한 정보공유 및 생활비 중심의 경제권을 줌"),
    ],
    "4 음주와 가정폭력": [
        (EXAMPLE_4_PROBLEM, "(남편의)건강회복의욕구", "(남편의) 건강회복",
         "몇 개월 내에 남편의 불면증이 해소됨"),
        (EXAMPLE_4_PROBLEM, "(자녀의)안전확보의욕구", "(자녀의) 안전확보",
         "몇 개월 내에 자녀에 대한 폭력빈도가 70%이상 감소됨"),
        (EXAMPLE_4_PROBLEM, "안정적 결혼생활의욕구", "안정적 결혼생활",
         "몇개월 이내에 가족폭력이 일어나지 않고, 폭력없는 생활이 몇 개월 이상 지속됨"),
    ],
}  # fmt: skip


def codes(**row):
    return [hint.code for hint in check_goal(**row)]


@pytest.mark.parametrize("example", sorted(WORKED_EXAMPLES))
def test_the_worked_examples_of_002_pass_without_a_hint(example):
    rows = WORKED_EXAMPLES[example]
    for problem, need, purpose, goal in rows:
        others = [other[1] for other in rows if other[1] != need]
        assert codes(goal=goal, purpose=purpose, need=need, problem=problem, other_needs=others) == [], goal  # fmt: skip


@pytest.mark.parametrize("example", sorted(lifecycle.EXAMPLES))
def test_the_demo_goals_pass_without_a_hint(example):
    goals = lifecycle.plan_goals(lifecycle.EXAMPLES[example])
    for goal in goals:
        others = [g["need"] for g in goals if g is not goal]
        row = {f: goal[f] for f in ("goal", "purpose", "need", "problem")}
        assert codes(**row, other_needs=others) == [], goal["goal"]


# (mistake of 002, goal, purpose, need, problem, other needs of the plan) -> the hints expected
MISTAKES = [
    # 1. the case manager's task, the provider's goal or the service itself as the goal
    (1, "긴급복지 생계지원 연계", "생계 안정", "생계 유지의 욕구", "생계가 어려움", [],
     [SERVICE_AS_GOAL, NO_SUBJECT, NO_TIME_FRAME]),
    (1, "3개월 동안 복지관이 본인에게 주 2회 밑반찬을 배달한다", "식생활 안정", "식사", "끼니를 거름", [],
     [SERVICE_AS_GOAL]),
    (1, "사례관리자가 3개월 동안 본인을 주 1회 방문한다", "정서 지지", "정서", "외로움", [],
     [SERVICE_AS_GOAL]),
    # 2. a goal per individual service instead of per need
    (2, "3개월 동안 아이가 대학생 학습 멘토링에 주 1회 빠짐없이 참여한다", "학업 능력 향상",
     "학업 능력 향상의 욕구", "성적 하위권", [], [PER_SERVICE]),
    (2, "6개월 안에 아이의 평균 성적이 20% 오른다", "학업 능력 향상", "학업 능력 향상의 욕구",
     "성적 하위권", ["학업 능력 향상의 욕구"], [PER_SERVICE]),
    # 3. whose goal it is cannot be told
    (3, "3개월 안에 우울 척도 점수가 20% 낮아진다", "정서 안정", "정서적 안정의 욕구",
     "밤에 잠을 못 자고 우울하다고 함", [], [NO_SUBJECT]),
    # 4. vague terms, no measurable level
    (4, "6개월 안에 아이의 정서가 안정된다", "정서 안정", "정서적 안정의 욕구", "아이가 불안해함", [],
     [VAGUE]),
    (4, "3개월 안에 남편과의 관계가 좋아진다", "부부관계 회복", "관계 회복의 욕구", "다툼이 잦음", [],
     [VAGUE]),
    # 5. a grand goal hard to reach in the rest of one's life
    (5, "남편이 평생 술을 마시지 않는다", "건강 회복", "건강", "과음", [], [LIFELONG]),
    (5, "10년 안에 본인이 내 집을 마련한다", "주거 안정", "주거", "월세 체납", [], [LIFELONG]),
    # 7. achievement cannot be evaluated at closure: no time frame
    (7, "아이의 결석 일수가 30% 줄어든다", "학교생활 적응", "적응", "결석이 잦음", [],
     [NO_TIME_FRAME]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mistake", "goal", "purpose", "need", "problem", "other_needs", "expected"),
    MISTAKES,
    ids=[f"mistake {row[0]}: {row[1]}" for row in MISTAKES],
)
def test_each_mistake_of_002_is_flagged(mistake, goal, purpose, need, problem, other_needs, expected):  # fmt: skip
    hints = check_goal(
        goal=goal, purpose=purpose, need=need, problem=problem, other_needs=other_needs
    )
    assert [hint.code for hint in hints] == expected
    flagged = next(hint for hint in hints if hint.mistake == mistake)
    assert flagged.field == "goal"


def test_every_hint_names_its_mistake_of_002_and_reads_in_korean():
    assert [mistake for _c, mistake, *_rest in goal_checks.RULES] == [1, 2, 3, 4, 5, 7]
    hints = check_goal(goal="다시는 술을 마시지 않도록 상담을 잘 받는다")
    assert hints, "a goal with several mistakes"
    for hint in hints:
        assert any("가" <= ch <= "힣" for ch in str(hint.message)), hint.message


def test_a_person_named_in_the_household_is_a_subject():
    goal = "3개월 안에 우울 척도 점수가 20% 낮아진다"
    assert NO_SUBJECT in codes(goal=goal)
    assert NO_SUBJECT not in codes(goal=f"3개월 안에 박영호의 {goal[7:]}", people=["박영호"])


# --- the plan page: hints before saving, one tick to keep the goal --------------------------------
EXAMPLE = lifecycle.EXAMPLES["school_grades"]
BAD_GOAL = {
    "goal-domain": "economy",
    "goal-goal_type": "resources",
    "goal-term": "short",
    "goal-problem": "생계가 어려움",
    "goal-demand": "생계비를 지원해 달라",
    "goal-need": "생계 유지의 욕구",
    "goal-purpose": "생계 안정",
    "goal-goal": "긴급복지 생계지원 연계",
}


@pytest.fixture
def planning(client, user_in_dong, supervisor):
    case = lifecycle.run_to(
        Stage.PLANNING,
        officer=user_in_dong,
        supervisor=supervisor,
        client=ClientFactory(dong=dong("능동"), name="조은숙"),
        example=EXAMPLE,
    )
    client.force_login(user_in_dong)
    client.post(
        reverse("cases:plan_create", args=[case.pk]),
        {"short_term_goal": "위기 요인을 줄인다", "long_term_goal": "가족이 스스로 생활을 꾸린다"},
    )
    return case


def add_goal(client, case, data):
    return client.post(reverse("cases:plan_goal_add", args=[case.pk, 1]), data)


def test_the_first_save_of_a_goal_with_hints_shows_them_beside_the_field_and_saves_nothing(
    client, planning
):
    response = add_goal(client, planning, BAD_GOAL)
    assert response.status_code == 200
    assert not planning.plans.get().goals.exists()
    page = response.content.decode()
    form = response.context["goal_form"]
    assert [hint.code for hint in form.hints] == [SERVICE_AS_GOAL, NO_SUBJECT, NO_TIME_FRAME]
    assert "서비스나 제공기관, 사례관리자가 할 일을 적은 것으로 보입니다." in page
    assert "기한이 없습니다." in page
    assert "이대로 저장" in page
    # beside the goal field, in the goal form, and what was typed is kept
    form_start = page.index('id="goal-form"')
    hints = page.index('id="goal-hints"')
    assert form_start < page.index('id="id_goal-goal"') < hints < page.index("</form>", form_start)
    assert hints < page.index('name="goal-keep_as_is"') < page.index("</form>", form_start)
    assert "긴급복지 생계지원 연계" in page
    assert f'value="{SERVICE_AS_GOAL},{NO_SUBJECT},{NO_TIME_FRAME}"' in page


def test_saving_with_the_tick_keeps_the_goal_and_records_the_hints_who_and_when(
    client, planning, user_in_dong
):
    add_goal(client, planning, BAD_GOAL)
    seen = f"{SERVICE_AS_GOAL},{NO_SUBJECT},{NO_TIME_FRAME}"
    response = add_goal(client, planning, {**BAD_GOAL, "goal-keep_as_is": "on", "goal-seen_hints": seen})  # fmt: skip
    assert response.status_code == 302
    goal = planning.plans.get().goals.get()
    assert goal.goal == "긴급복지 생계지원 연계"
    assert goal.acknowledged_hints == [SERVICE_AS_GOAL, NO_SUBJECT, NO_TIME_FRAME]
    assert goal.hints_acknowledged_by == user_in_dong
    assert goal.hints_acknowledged_at is not None
    assert (goal.goal_type, goal.term) == ("resources", "short")
    page = client.get(response["Location"]).content.decode()
    assert "점검 안내(서비스·할 일을 목표로 씀, 누구의 목표인지 불분명, 기한 없음)를 확인하고 이대로 저장함" in page  # fmt: skip
    assert user_in_dong.name in page
    assert "자원 또는 정보" in page and "단기" in page


def test_the_tick_keeps_only_the_hints_the_officer_saw(client, planning):
    # Ticked while the form showed only "no time frame"; the goal now also names a service.
    response = add_goal(
        client,
        planning,
        {**BAD_GOAL, "goal-keep_as_is": "on", "goal-seen_hints": NO_TIME_FRAME},
    )
    assert response.status_code == 200
    assert not planning.plans.get().goals.exists()
    assert 'name="goal-keep_as_is"' in response.content.decode()
    assert not response.context["goal_form"]["keep_as_is"].value()  # to be ticked again


def test_a_good_goal_saves_at_once_with_no_hint_recorded(client, planning):
    response = add_goal(
        client,
        planning,
        {
            **BAD_GOAL,
            "goal-goal_type": "relationships",
            "goal-term": "mid",
            "goal-goal": "4개월 안에 자녀의 자존감 척도 점수가 30% 이상 오른다",
        },
    )
    assert response.status_code == 302
    goal = planning.plans.get().goals.get()
    assert goal.acknowledged_hints == []
    assert goal.hints_acknowledged_by is None
    assert "이대로 저장함" not in client.get(response["Location"]).content.decode()


def test_a_second_goal_for_the_same_need_is_hinted_as_a_goal_per_service(client, planning):
    good = {
        **BAD_GOAL,
        "goal-need": "학업 능력 향상의 욕구",
        "goal-goal": "한 학기 안에 자녀의 평균 성적이 지금보다 30% 오른다",
    }
    assert add_goal(client, planning, good).status_code == 302
    again = add_goal(
        client, planning, {**good, "goal-goal": "한 학기 안에 자녀의 수학 점수가 20점 오른다"}
    )
    assert again.status_code == 200
    assert [hint.code for hint in again.context["goal_form"].hints] == [PER_SERVICE]
    assert planning.plans.get().goals.count() == 1
