"""The case app's pages, one module per part of the work (urls.py names them as views.X)."""

from .case import (
    case_detail,  # noqa: F401
    case_handover,  # noqa: F401
    case_list_view,  # noqa: F401
    case_move,  # noqa: F401
    case_return,  # noqa: F401
    case_team,  # noqa: F401
)
from .clients import (
    TooManyDuplicateChecks,  # noqa: F401
    client_archive,  # noqa: F401
    client_create,  # noqa: F401
    client_detail,  # noqa: F401
    client_list_view,  # noqa: F401
    client_update,  # noqa: F401
    duplicate_check,  # noqa: F401
    household_member_create,  # noqa: F401
    household_member_update,  # noqa: F401
    intake_create,  # noqa: F401
)
from .discovery import (
    discovery_create,  # noqa: F401
    discovery_detail,  # noqa: F401
    discovery_import,  # noqa: F401
    discovery_list_view,  # noqa: F401
)
from .plans import (
    plan_create,  # noqa: F401
    plan_detail,  # noqa: F401
    plan_goal_add,  # noqa: F401
    plan_item_add,  # noqa: F401
    plan_sign,  # noqa: F401
    plan_update,  # noqa: F401
)
from .prints import (
    blank_consent_print,  # noqa: F401
    blank_plan_print,  # noqa: F401
    closure_print,  # noqa: F401
    consent_print,  # noqa: F401
    consent_sign_screen,  # noqa: F401
    intake_print,  # noqa: F401
    monitoring_print,  # noqa: F401
    plan_print,  # noqa: F401
    plan_sign_screen,  # noqa: F401
)
from .records import (
    assessment_edit,  # noqa: F401
    assessment_need_row,  # noqa: F401
    assessment_start,  # noqa: F401
    closure_approve,  # noqa: F401
    closure_create,  # noqa: F401
    consent_create,  # noqa: F401
    consent_withdraw,  # noqa: F401
    evaluation_create,  # noqa: F401
    follow_up_create,  # noqa: F401
    intervention_create,  # noqa: F401
    monitoring_create,  # noqa: F401
    selection_decide,  # noqa: F401
)
from .supervision import (
    supervision_create,  # noqa: F401
    supervision_detail,  # noqa: F401
)
