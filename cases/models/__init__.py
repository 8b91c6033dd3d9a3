"""The lifecycle's records. One module per part of the process:

clients  — 당사자 and 세대원
intake   — 발굴 queue and 접수 · 초기상담
case     — 사례: the state machine, its guards and the stage history
records  — what each stage produces: 욕구사정, 선정, 동의, 서비스제공 계획, 개입, 점검, 평가, 종결, 사후관리,
           and the supervisor's 슈퍼비전 on the case
schedule — deadline clocks and each gu's limits
alerts   — what a colleague did on my case, unread until I open it
documents — signed papers (the plan, the consent), frozen as PDF bytes with their SHA-256
"""

from .alerts import Alert, AlertKind  # noqa: F401
from .case import Case, CaseOwnership, CaseQuerySet, CaseStageChange, OwnershipChange, Stage  # noqa: F401
from .clients import (  # noqa: F401
    BIRTH_DATE_IN_FUTURE,
    Client,
    ClientQuerySet,
    HouseholdMember,
    LivelihoodStatus,
    Sex,
)
from .documents import DocumentKind, SignedDocument  # noqa: F401
from .intake import (  # noqa: F401
    DiscoveryEntry,
    DiscoveryResult,
    DiscoverySource,
    Disposition,
    Intake,
    IntakeRoute,
    Urgency,
)
from .records import (  # noqa: F401
    Assessment,
    AssessmentNeed,
    CaseType,
    Closure,
    ClosureReason,
    Consent,
    ConsentMethod,
    Evaluation,
    EvaluationGoal,
    FollowUpCheck,
    GoalResult,
    GoalTerm,
    GoalType,
    Intervention,
    InterventionKind,
    ItemStatus,
    Monitoring,
    MonitoringMethod,
    PlanGoal,
    PlanItem,
    RiskLevel,
    SelectionDecision,
    ServicePlan,
    SharedItem,
    Supervision,
    SupervisionKind,
)
from .schedule import (  # noqa: F401
    ClockKind,
    DeadlineClock,
    DeadlinePolicy,
    policy_for_gu,
)
from .scope import GuInvolvement  # noqa: F401
