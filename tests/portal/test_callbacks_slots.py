"""Free callback slots from the rosters: shifts, time off, bookings, language, skill, notice, the
window and the customer's time zone, against hand-computed times; and the query bound.

The helpers at the top are shared by the other test_callbacks_* modules."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backoffice.rosters.models import Shift, TimeOff, TimeOffStatus
from tests.rosters.factories import VILNIUS, agent, team_of
from tickets.callbacks.slots import free_slots
from tickets.models import Callback, CallbackStatus

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# A Monday morning in Vilnius (UTC+2 in March); notice 60 minutes, so the first slot is 09:30.
NOW = datetime(2027, 3, 1, 8, 10, tzinfo=VILNIUS)


def at(day: int, hour: int, minute: int = 0, tz=VILNIUS) -> datetime:
    """A time in March 2027 (the 1st is a Monday)."""
    return datetime(2027, 3, day, hour, minute, tzinfo=tz)


def on_shift(user, team, start: datetime, hours: float) -> Shift:
    return Shift.objects.create(agent=user, team=team, start=start, end=start + timedelta(hours=hours))


def booked(customer, user, start: datetime, **fields) -> Callback:
    return Callback.objects.create(
        customer=customer,
        agent=user,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        phone="+37061234567",
        topic="Invoice",
        **fields,
    )


def times(days, tz=VILNIUS) -> dict[str, list[str]]:
    """{"2027-03-01": ["09:30", ...]} of what free_slots returned, in `tz`."""
    return {
        day.date.isoformat(): [f"{slot.starts_at.astimezone(tz):%H:%M}" for slot in day.slots] for day in days
    }


@pytest.fixture
def ona(db):
    return agent("Ona Kazlauskaitė", languages=["lt", "lv", "en"])


@pytest.fixture
def team(ona):
    return team_of(ona)


def test_slots_lie_inside_shifts_from_the_minimum_notice_on_grouped_by_day(ona, team):
    on_shift(ona, team, at(1, 9), 2)  # Monday 09:00-11:00; 09:00 is within the hour's notice
    on_shift(ona, team, at(2, 9, 15), 1.5)  # Tuesday 09:15-10:45: only whole slots on the grid

    days = free_slots(language="lv", now=NOW, tz=VILNIUS)

    assert times(days) == {"2027-03-01": ["09:30", "10:00", "10:30"], "2027-03-02": ["09:30", "10:00"]}
    first = days[0].slots[0]
    assert first.ends_at - first.starts_at == timedelta(minutes=30)
    assert first.agents == ((ona.pk, team.pk),)
    assert first.value == "2027-03-01T07:30Z"


def test_approved_time_off_and_booked_callbacks_take_slots_away_but_requests_and_cancellations_do_not(
    ona, team, janis
):
    on_shift(ona, team, at(1, 10), 2)  # 10:00-12:00
    TimeOff.objects.create(agent=ona, start=at(1, 10), end=at(1, 10, 45), status=TimeOffStatus.APPROVED)
    TimeOff.objects.create(agent=ona, start=at(1, 11), end=at(1, 12), status=TimeOffStatus.REQUESTED)
    booked(janis, ona, at(1, 11))
    booked(janis, ona, at(1, 11, 30), status=CallbackStatus.CANCELLED)

    days = free_slots(language="lv", now=NOW, tz=VILNIUS)

    # 10:00 and 10:30 overlap the time off (10:30-11:00 does, by a quarter); 11:00 is booked.
    assert times(days) == {"2027-03-01": ["11:30"]}


def test_a_time_is_free_when_any_agent_speaking_the_language_is(ona, team, janis):
    liga = agent("Līga Ozola", languages=["lv"])
    mikko = agent("Mikko Virtanen", languages=["fi"])
    team.members.add(liga, mikko)
    on_shift(ona, team, at(1, 10), 1)
    on_shift(liga, team, at(1, 10, 30), 1)
    on_shift(mikko, team, at(1, 12), 1)
    booked(janis, ona, at(1, 10, 30))

    days = free_slots(language="lv", now=NOW, tz=VILNIUS)

    assert times(days) == {"2027-03-01": ["10:00", "10:30", "11:00"]}
    assert [slot.agents for slot in days[0].slots] == [
        ((ona.pk, team.pk),),
        ((liga.pk, team.pk),),
        ((liga.pk, team.pk),),
    ]
    assert times(free_slots(language="fi", now=NOW, tz=VILNIUS)) == {"2027-03-01": ["12:00", "12:30"]}
    assert free_slots(language="pl", now=NOW, tz=VILNIUS) == []


def test_with_a_callback_skill_only_agents_holding_it_and_never_inactive_ones_count(settings, ona, team):
    settings.CALLBACK_SKILL = "callbacks"
    skilled = agent("Skilled Agent", languages=["lv"], skills=["callbacks"])
    gone = agent("Gone Agent", languages=["lv"], skills=["callbacks"], is_active=False)
    team.members.add(skilled, gone)
    on_shift(ona, team, at(1, 10), 1)
    on_shift(skilled, team, at(1, 12), 0.5)
    on_shift(gone, team, at(1, 14), 1)

    assert times(free_slots(language="lv", now=NOW, tz=VILNIUS)) == {"2027-03-01": ["12:00"]}


def test_the_window_ends_with_the_customers_last_bookable_day(settings, ona, team):
    settings.CALLBACK_DAYS_AHEAD = 1
    settings.CALLBACK_SLOT_MINUTES = 60
    on_shift(ona, team, at(2, 22), 3)  # Tuesday 22:00 to Wednesday 01:00
    on_shift(ona, team, at(3, 9), 1)

    # Today and one day more: Tuesday 22:00 and 23:00, nothing after midnight.
    assert times(free_slots(language="lv", now=NOW, tz=VILNIUS)) == {"2027-03-02": ["22:00", "23:00"]}


def test_slots_are_shown_and_grouped_in_the_customers_time_zone(ona, team):
    on_shift(ona, team, at(1, 16), 1)  # 16:00 in Vilnius is 09:00 in New York (UTC-5 until 14 March)
    on_shift(ona, team, at(2, 6), 1)  # Tuesday 06:00 in Vilnius is still Monday, 23:00, in New York

    days = free_slots(language="lv", now=NOW, tz=NEW_YORK)

    assert times(days, NEW_YORK) == {"2027-03-01": ["09:00", "09:30", "23:00", "23:30"]}
    assert days[0].slots[0].starts_at.tzinfo == NEW_YORK


def test_an_agent_without_a_profile_or_off_shift_offers_nothing(ona, team):
    assert free_slots(language="lv", now=NOW, tz=VILNIUS) == []


def test_slots_read_agents_shifts_time_off_and_bookings_once_each(
    ona, team, janis, django_assert_num_queries
):
    for number in range(6):
        colleague = agent(f"Agent{number} Example", languages=["lv"])
        team.members.add(colleague)
        for day in range(1, 6):
            on_shift(colleague, team, at(day, 8), 8)
            TimeOff.objects.create(
                agent=colleague, start=at(day, 12), end=at(day, 13), status=TimeOffStatus.APPROVED
            )
            booked(janis, colleague, at(day, 14))

    with django_assert_num_queries(4):
        days = free_slots(language="lv", now=NOW, tz=VILNIUS)

    assert len(days) == 5 and days[1].slots[0].starts_at == at(2, 8)
