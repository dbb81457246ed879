"""Demo tickets for `seed_demo`: a realistic desk in five languages, made through the services."""

from datetime import timedelta

from django.utils import timezone

from backoffice.models import Team
from customers.models import Customer, Organization
from helpdesk.models import User
from tickets.models import Macro, Mailbox, Ticket
from tickets.services import ticket_add_note, ticket_create, ticket_reply, ticket_update

CUSTOMERS = [
    # name, email, language, organization
    ("Alice Brown", "alice@example.com", "en", "Northwind Traders"),
    ("Matti Korhonen", "matti@example.com", "fi", ""),
    ("Rūta Jankauskienė", "ruta@example.lt", "lt", "Baltic Freight UAB"),
    ("Agnieszka Kowalska", "agnieszka@example.pl", "pl", ""),
    ("Kārlis Ozols", "karlis@example.lv", "lv", "Baltic Freight UAB"),
]
TICKETS = [
    # customer index, subject, first message, priority, type, team
    (
        0,
        "Invoice shows the wrong VAT number",
        "Our invoice INV-2041 has last year's VAT number.",
        "normal",
        "question",
        "Billing",
    ),
    (
        0,
        "Cannot log in after password change",
        "Since yesterday the portal says my password is wrong.",
        "high",
        "incident",
        "First line",
    ),
    (
        1,
        "Tilaus ei ole saapunut",
        "Tilasin viime viikolla, mutta paketti ei ole vielä tullut.",
        "normal",
        "question",
        "First line",
    ),
    (
        2,
        "Sąskaitoje klaida",
        "Sveiki, sąskaitoje nurodyta neteisinga suma. Ačiū!",
        "high",
        "complaint",
        "Billing",
    ),
    (
        3,
        "Problem z logowaniem do portalu",
        "Dzień dobry, nie mogę się zalogować do portalu klienta.",
        "urgent",
        "incident",
        "First line",
    ),
    (
        4,
        "Rēķins nav saņemts",
        "Labdien, mēs vēl neesam saņēmuši rēķinu par oktobri.",
        "low",
        "question",
        "Billing",
    ),
    (
        2,
        "Siuntos sekimas neveikia",
        "Sekimo nuoroda rodo klaidą jau dvi dienas.",
        "normal",
        "problem",
        "First line",
    ),
    (
        1,
        "Laskun eräpäivä",
        "Voinko siirtää laskun eräpäivää kahdella viikolla?",
        "low",
        "question",
        "Billing",
    ),
]
MACROS = [
    (
        "Thanks, we are on it",
        "Hello {{ ticket.requester.first_name }},\n\nthank you for writing to us. We are looking "
        "into ticket #{{ ticket.number }} and will get back to you shortly.\n\n{{ agent.first_name }}",
        "open",
        "",
    ),
    (
        "Solved: anything else?",
        "Hello {{ ticket.requester.first_name }},\n\nwe believe this is solved now. If "
        "anything is still wrong, just reply to this message.\n\n{{ agent.first_name }}",
        "solved",
        "",
    ),
    (
        "Billing: forward to accounts",
        "Hello {{ ticket.requester.first_name }},\n\nI have passed your question to "
        "our accounts team; they will answer within one working day.",
        "pending",
        "billing",
    ),
]


def seed_tickets_demo() -> int:
    """Create demo teams, customers, macros and tickets unless there are tickets already."""
    if Ticket.objects.exists():
        return 0
    agents = {user.email: user for user in User.objects.filter(role__in=["agent", "supervisor", "admin"])}
    first_line, _ = Team.objects.get_or_create(name="First line")
    billing, _ = Team.objects.get_or_create(name="Billing")
    first_line.members.add(*[agents[e] for e in ("ona@example.com", "janis@example.com") if e in agents])
    billing.members.add(*[agents[e] for e in ("ona@example.com", "janis@example.com") if e in agents])
    teams = {"First line": first_line, "Billing": billing}
    # Mail piped in with `manage.py ingest_email --mailbox support` lands in First line.
    Mailbox.objects.get_or_create(
        name="support",
        defaults={"address": "support@example.com", "from_name": "Helpdesk support", "team": first_line},
    )
    customers = []
    for name, email, language, organization in CUSTOMERS:
        org = Organization.objects.get_or_create(name=organization)[0] if organization else None
        user = User.objects.filter(email=email).first()
        customer, _ = Customer.objects.get_or_create(
            email=email, defaults={"name": name, "language": language, "organization": org, "user": user}
        )
        customers.append(customer)
    for name, body, status, tags in MACROS:
        Macro.objects.get_or_create(
            name=name, defaults={"body": body, "set_status": status, "add_tags": tags}
        )
    ona = agents.get("ona@example.com")
    start = timezone.now() - timedelta(days=len(TICKETS))
    for index, (customer, subject, body, priority, kind, team) in enumerate(TICKETS):
        ticket = ticket_create(
            requester=customers[customer],
            subject=subject,
            body=body,
            channel="email",
            priority=priority,
            type=kind,
            team=teams[team],
            now=start + timedelta(days=index, hours=index),
        )
        if ona and index % 3 == 0:
            ticket_update(ticket=ticket, by=None, changes={"assignee": ona}, reason="demo")
            ticket_reply(ticket=ticket, by=ona, body="Thank you, we are looking into it.", status="pending")
        if ona and index % 4 == 1:
            ticket_add_note(ticket=ticket, by=ona, body="Checked the account: nothing unusual so far.")
    return len(TICKETS)
