"""Create the demo users, one or more per role. Safe to run again: it changes nothing twice."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from helpdesk.models import Role, User
from helpdesk.services import user_create, user_set_role
from tickets.automation_demo import seed_automation_demo
from tickets.demo import seed_tickets_demo

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - printed on purpose; refused in production
DEMO_USERS = [
    # email, full name, role, language
    ("admin@example.com", "Rasa Petrauskienė", Role.ADMIN, "lt"),
    ("supervisor@example.com", "Aino Virtanen", Role.SUPERVISOR, "fi"),
    ("ona@example.com", "Ona Kazlauskaitė", Role.AGENT, "lt"),
    ("janis@example.com", "Jānis Bērziņš", Role.AGENT, "lv"),
    ("backoffice@example.com", "Piotr Nowak", Role.BACKOFFICE, "pl"),
    ("alice@example.com", "Alice Brown", Role.CUSTOMER, "en"),
    ("matti@example.com", "Matti Korhonen", Role.CUSTOMER, "fi"),
]


class Command(BaseCommand):
    help = "Create demo users for every role (idempotent) and print their logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DEBUG is off (the demo password is public).",
        )

    @transaction.atomic
    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to create demo users with a public password while DEBUG is off.")
        created = 0
        for email, full_name, role, language in DEMO_USERS:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user_create(
                    email=email, full_name=full_name, role=role, password=DEMO_PASSWORD, language=language
                )
                created += 1
            elif user.role != role:
                user_set_role(user=user, role=role)
        self.stdout.write(f"Demo users: {created} created, {len(DEMO_USERS) - created} already there.")
        tickets = seed_tickets_demo()
        self.stdout.write(f"Demo tickets: {tickets} created." if tickets else "Demo tickets: already there.")
        automation = seed_automation_demo()
        self.stdout.write(
            f"Demo automation: {', '.join(automation)}." if automation else "Demo automation: already there."
        )
        self.stdout.write(f"Sign in with any of these (password: {DEMO_PASSWORD}):")
        for email, full_name, role, _language in DEMO_USERS:
            self.stdout.write(f"  {Role(role).label:<14} {email:<26} {full_name}")
