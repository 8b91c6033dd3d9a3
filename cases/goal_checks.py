"""Goal checks: the common mistakes of goal setting in seed 002 (계획수립단계에서 흔히 하는 실수).

Pure functions, no database: the text of one goal row of the plan (problem → need → purpose →
goal) in, a list of ``Hint`` out. A hint is advice shown beside the field before saving, never a
refusal: the officer may keep the goal as it is, and that choice is recorded on the goal.

Each rule is one line of ``RULES`` and carries the number of the mistake in 002's list:

1. the case manager's task, the provider's goal or the service itself is set as the goal;
2. a goal per individual service instead of per need;
3. it is unclear whose goal it is;
4. arbitrarily defined or vague terms (no measurable level);
5. a grand goal hard to reach in the rest of one's life;
6. a goal case management cannot achieve — not checked: no wording tells it, the case
   conference does;
7. a goal whose achievement cannot be evaluated at closure (no time frame).

The four worked examples of 002 pass without a hint (tests/test_goal_checks.py).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SERVICE_AS_GOAL = "service_as_goal"
PER_SERVICE = "per_service"
NO_SUBJECT = "no_subject"
VAGUE = "vague"
LIFELONG = "lifelong"
NO_TIME_FRAME = "no_time_frame"


@dataclass(frozen=True)
class Hint:
    code: str
    mistake: int  # its number in 002's list
    field: str  # the form field the hint is shown beside
    message: str


# --- the words each rule looks for ----------------------------------------------------------------
# 1: what the case manager or a provider does, or a service named as the goal.
_SERVICE_WORDS = re.compile(
    r"연계|연결|의뢰|알선|제공|지원|배달|서비스|프로그램|실시|소개"
    r"|사례관리자|담당자|담당\s*공무원|복지관|센터|기관|보건소|구청"
    r"|돕는다|도와준다|도와주기|돕기|도움을\s*준다|도움\s*주기|파악한다|파악하기"
    r"|방문한다|방문하기|점검한다|점검하기|모니터링"
)
# 2: taking part in one service ("멘토링에 주 1회 참여한다").
_TAKING_PART = re.compile(
    r"(서비스|프로그램|상담|교육|멘토링|배달|검진|수업|도시락|반찬|돌봄)[^.,]{0,16}?"
    r"(받는|받기|받음|이용한|이용하|참여|참석|다닌|다니)"
)
# 3: a person whose change it is. The row is read left to right, as in 002's planning table:
# the problem ("우리 아이가 …") tells whose goal "6개월 내에 병원치료 일수 30% 감소" is.
_PERSON_WORDS = re.compile(
    r"본인|당사자|대상자|클라이언트|어르신|아이|아동|자녀|아들|딸|손자|손녀|손주|남편|아내|부인"
    r"|배우자|부모|어머니|아버지|엄마|아빠|할머니|할아버지|조부모|부부|가족|가구원|세대원|형제"
    r"|자매|동생|언니|오빠|누나|학생|청소년|노인|모자|모녀|부자|부녀|씨\b"
)
# 4: vague words, acceptable only with a measurable level beside them.
_VAGUE_WORDS = re.compile(
    r"향상|개선|증진|강화|나아지|나아진|좋아지|좋아진|안정|회복|도움|원만|행복|건강해|건강하게"
    r"|잘\s|적절|충분|최대한|노력|활성화|지속적|긍정적|원활|바람직|극복"
)
_MEASURE = re.compile(
    r"\d|퍼센트|척도|점수|기준|범주|범위|이상|이하|미만|초과|절반|두\s*배"
    r"|[한두세네]\s*(번|차례|명|곳|가지|회)|매(일|주|월|달)|없|않|해소|모두|전부"
)
# 5: life-long or grand.
_LIFELONG_WORDS = re.compile(
    r"평생|남은\s*(생애|인생|삶)|여생|일생|영원|영구|죽을\s*때까지|언제까지나|다시는"
    r"|행복한\s*(삶|노후|생활|가정)|모든\s*(문제|어려움|걱정)|완전한\s*자립"
)
_YEARS = re.compile(r"(\d+)\s*년")
_MONTHS = re.compile(r"(\d+)\s*개월")
LONGEST_YEARS = 2  # a case is reassessed at least once a year; beyond two years is life-long
# 7: a time frame, so that achievement can be evaluated at closure.
_TIME_FRAME = re.compile(
    r"\d+\s*(일|주|개월|달|년|학기|월)"
    r"|몇\s*(일|주|개월|달|년|학기)"
    r"|(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(달|해|학기|주)"
    r"|\d[^\s]*\s*까지"
    r"|반년|올해|내년|연내|연말|연초|상반기|하반기|분기|방학"
    r"|(이번|다음)\s*(달|주|학기|해)|종결\s*(시|전|때|까지)|사례관리\s*기간"
)


def _squash(text):
    return re.sub(r"\s+", " ", text or "").strip()


def _key(text):
    return re.sub(r"\s+", "", text or "")


# --- the rules: (code, mistake, field, message, test(row) -> bool) --------------------------------
def _names_a_service(row):
    return bool(_SERVICE_WORDS.search(row["goal"]))


def _one_service_or_need_taken(row):
    if _TAKING_PART.search(row["goal"]):
        return True
    need = _key(row["need"])
    return bool(need) and any(_key(other) == need for other in row["other_needs"])


def _whose_unclear(row):
    text = " ".join([row["goal"], row["purpose"], row["need"], row["problem"]])
    if _PERSON_WORDS.search(text):
        return False
    return not any(name and name in text for name in row["people"])


def _vague(row):
    goal = row["goal"]
    # "6개월 안에 정서가 안정된다": the time frame's number is not a level of the change
    return bool(_VAGUE_WORDS.search(goal)) and not _MEASURE.search(_TIME_FRAME.sub(" ", goal))


def _lifelong(row):
    goal = row["goal"]
    if _LIFELONG_WORDS.search(goal):
        return True
    years = [int(n) for n in _YEARS.findall(goal)]
    months = [int(n) for n in _MONTHS.findall(goal)]
    # "2027년 3월까지" is a date, not thirty centuries
    return any(LONGEST_YEARS < n < 100 for n in years) or any(
        n > 12 * LONGEST_YEARS for n in months
    )


def _no_time_frame(row):
    # a life-long goal has a time frame, a wrong one: mistake 5 says so
    return not _TIME_FRAME.search(row["goal"]) and not _LIFELONG_WORDS.search(row["goal"])


RULES = [
    (
        SERVICE_AS_GOAL,
        1,
        "goal",
        _(
            "This reads as a service, a provider or the case manager's task. Write the change in "
            "the client's life the services should bring (e.g. within 6 months, hospital days "
            "down 30%)."
        ),
        _names_a_service,
    ),
    (
        PER_SERVICE,
        2,
        "goal",
        _(
            "This looks like the goal of one service, or this need already has a goal. Set one "
            "goal per need, and add each service as a plan item under it."
        ),
        _one_service_or_need_taken,
    ),
    (
        NO_SUBJECT,
        3,
        "goal",
        _("Whose change is it? Name the person (the client, a child, the husband …)."),
        _whose_unclear,
    ),
    (
        VAGUE,
        4,
        "goal",
        _(
            "Vague words with no measurable level. Say how much the change is (a number, a scale "
            "score, how often) so that it can be checked."
        ),
        _vague,
    ),
    (
        LIFELONG,
        5,
        "goal",
        _("A grand, life-long goal. Set a change the client can reach while the case is open."),
        _lifelong,
    ),
    (
        NO_TIME_FRAME,
        7,
        "goal",
        _(
            "No time frame: by when? Without one, whether the goal was reached cannot be "
            "evaluated at closure (e.g. within 3 months)."
        ),
        _no_time_frame,
    ),
]

#: Short names of the hints, for the record of hints kept as they are.
LABELS = {
    SERVICE_AS_GOAL: _("a service or a task as the goal"),
    PER_SERVICE: _("a goal per service"),
    NO_SUBJECT: _("whose goal unclear"),
    VAGUE: _("no measurable level"),
    LIFELONG: _("life-long goal"),
    NO_TIME_FRAME: _("no time frame"),
}
CODES = [code for code, *_rest in RULES]


def check_goal(*, goal, purpose="", need="", problem="", other_needs=(), people=()):
    """The hints for one goal row, in the order of 002's list; [] for a good goal.

    ``other_needs``: the need texts of the plan's other goals (one goal per need).
    ``people``: names that count as the goal's subject (the client and the household).
    """
    row = {
        "goal": _squash(goal),
        "purpose": _squash(purpose),
        "need": _squash(need),
        "problem": _squash(problem),
        "other_needs": list(other_needs),
        "people": [name for name in people if name],
    }
    if not row["goal"]:
        return []
    return [
        Hint(code=code, mistake=mistake, field=field, message=message)
        for code, mistake, field, message, test in RULES
        if test(row)
    ]


def labels(codes):
    """The short names of recorded hint codes (unknown codes are skipped)."""
    return [LABELS[code] for code in codes if code in LABELS]
