"""Demo data that makes the automation visible in `make run`: a default business calendar, agent
profiles with languages, shifts for the next two weeks, two SLA policies and three rules. Idempotent:
each part is made only when missing."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from backoffice.models import Team
from backoffice.rosters.models import AgentProfile, BusinessCalendar, Shift, WeeklyHours
from helpdesk.models import User
from tickets.models import Rule, SlaPolicy

LANGUAGES = {"ona@example.com": ["lt", "en"], "janis@example.com": ["lv", "en", "lt"]}
SHIFT_DAYS = 14


def seed_automation_demo() -> list[str]:
    """What was created, in words, for the command's output."""
    made = []
    if not BusinessCalendar.objects.filter(is_default=True).exists():
        calendar = BusinessCalendar.objects.create(
            name="Vilnius office", time_zone="Europe/Vilnius", is_default=True, holiday_country="LT"
        )
        WeeklyHours.objects.bulk_create(
            WeeklyHours(calendar=calendar, weekday=day, opens=time(8), closes=time(18)) for day in range(5)
        )
        made.append("a default business calendar (Mon–Fri 08:00–18:00, Lithuanian holidays)")
    agents = list(User.objects.filter(email__in=LANGUAGES))
    for user in agents:
        AgentProfile.objects.get_or_create(user=user, defaults={"languages": LANGUAGES[user.email]})
    teams = list(Team.objects.filter(name__in=["First line", "Billing"]))
    today = timezone.localdate()
    if agents and teams and not Shift.objects.filter(start__date__gte=today).exists():
        zone = timezone.get_current_timezone()
        for offset in range(SHIFT_DAYS):
            day = today + timedelta(days=offset)
            start = datetime.combine(day, time(6), tzinfo=zone)
            Shift.objects.bulk_create(
                Shift(agent=user, team=team, start=start, end=start + timedelta(hours=16))
                for user in agents
                for team in teams
                if team.members.filter(pk=user.pk).exists()
            )
        made.append(f"shifts 06:00–22:00 for the next {SHIFT_DAYS} days")
    if not SlaPolicy.objects.exists():
        SlaPolicy.objects.create(
            name="Urgent and high",
            position=0,
            priorities=["urgent", "high"],
            first_response_minutes=30,
            next_response_minutes=60,
            resolution_minutes=480,
            business_hours=False,
            pause_statuses=["pending", "on_hold"],
            raise_priority_on_breach=True,
        )
        SlaPolicy.objects.create(
            name="Standard",
            position=1,
            first_response_minutes=240,
            next_response_minutes=480,
            resolution_minutes=2400,
            pause_statuses=["pending", "on_hold"],
        )
        made.append("SLA policies Urgent and high, Standard")
    if not Rule.objects.exists():
        billing = Team.objects.filter(name="Billing").first()
        Rule.objects.create(
            name="VIP customers are high priority",
            position=1,
            trigger="created",
            vip="yes",
            set_priority="high",
        )
        Rule.objects.create(
            name="Invoices go to Billing",
            position=2,
            trigger="created",
            keywords="invoice, refund, sąskaita, rēķins, lasku, faktura",
            set_team=billing,
            add_tags="billing",
        )
        Rule.objects.create(
            name="Solve after a week pending",
            position=3,
            trigger="time",
            statuses=["pending"],
            hours_in_status=168,
            set_status="solved",
        )
        made.append("three rules")
    return made
