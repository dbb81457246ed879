"""Every write of the rosters, by topic; import them from here."""

from backoffice.rosters.services.calendars import (
    calendar_closed_day_add,
    calendar_closed_day_remove,
    calendar_create,
    calendar_hours_add,
    calendar_hours_remove,
    calendar_open_day_add,
    calendar_open_day_remove,
    calendar_update,
)
from backoffice.rosters.services.patterns import shift_pattern_create, shift_pattern_delete, shift_pattern_end
from backoffice.rosters.services.people import (
    agent_profile_set_paused,
    agent_profile_update,
    skill_create,
    skill_delete,
    skill_rename,
    team_create,
    team_update,
)
from backoffice.rosters.services.permissions import (
    ROSTER_CONFIGURERS,
    ROSTER_MANAGERS,
    can_configure_rosters,
    can_manage_rosters,
)
from backoffice.rosters.services.shifts import (
    roster_generate_week,
    shift_create,
    shift_delete,
    time_off_decide,
    time_off_request,
    week_monday,
)

__all__ = [
    "ROSTER_CONFIGURERS",
    "ROSTER_MANAGERS",
    "agent_profile_set_paused",
    "agent_profile_update",
    "calendar_closed_day_add",
    "calendar_closed_day_remove",
    "calendar_create",
    "calendar_hours_add",
    "calendar_hours_remove",
    "calendar_open_day_add",
    "calendar_open_day_remove",
    "calendar_update",
    "can_configure_rosters",
    "can_manage_rosters",
    "roster_generate_week",
    "shift_create",
    "shift_delete",
    "shift_pattern_create",
    "shift_pattern_delete",
    "shift_pattern_end",
    "skill_create",
    "skill_delete",
    "skill_rename",
    "team_create",
    "team_update",
    "time_off_decide",
    "time_off_request",
    "week_monday",
]
