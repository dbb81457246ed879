"""Rows for COPY, generated as text lines in batches: nothing holds more than one batch of tickets.

Every value is already in COPY's text format (tab-separated, \\N for NULL, \\n for a newline).
"""

import random
import unicodedata
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.bench.text import (
    COMMON_WORD,
    GREETINGS,
    LANGUAGES,
    NAMES,
    RARE_TICKETS,
    RARE_WORD,
    SENTENCES,
    SUBJECTS,
    THANKS,
)

NULL = "\\N"
DAY = 86_400.0
YEAR = 365 * DAY
MESSAGES_PER_TICKET = 3
LONG_THREAD = 200  # messages on the one long ticket
BENCH_AGENT_OPEN = 3_000  # about this many unsolved tickets are assigned to the bench agent (at 1M)
# Status shares: 40% unsolved (new, open, pending, on hold), 60% solved or closed.
STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"]
STATUS_WEIGHTS = [6, 20, 10, 4, 20, 40]
UNSOLVED = {"new", "open", "pending", "on_hold"}
PRIORITIES, PRIORITY_WEIGHTS = ["low", "normal", "high", "urgent"], [20, 60, 15, 5]
TYPES = ["question", "incident", "problem", "task", "complaint"]
CHANNELS, CHANNEL_WEIGHTS = ["email", "web", "chat", "phone", "social", "api"], [45, 25, 15, 8, 5, 2]
PRODUCTS = [f"{COMMON_WORD.capitalize()} Fiber", f"{COMMON_WORD.capitalize()} Mobile", "Nordlink TV"]

TICKET_COLUMNS = (
    "id, subject, status, priority, type, channel, language, created_at, updated_at, first_response_at, "
    "solved_at, closed_at, first_response_due_at, resolution_due_at, last_public_message_id, "
    "assignee_id, organization_id, requester_id, team_id, sla_paused_minutes, status_changed_at"
)
MESSAGE_COLUMNS = (
    "id, ticket_id, author_kind, author_user_id, author_customer_id, incoming, public, body_html, body_text, "
    "channel, channel_message_id, metadata, created_at"
)
ACTIVITY_COLUMNS = "id, ticket_id, actor_id, field, old, new, reason, created_at"
TAG_COLUMNS = "id, ticket_id, tag_id"
CUSTOMER_COLUMNS = (
    "id, name, email, phone, language, time_zone, notes, vip, organization_manager, organization_id, "
    "created_at"
)


def stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def ascii_only(text: str) -> str:
    return unicodedata.normalize("NFKD", text.replace("ł", "l")).encode("ascii", "ignore").decode().lower()


@dataclass
class Plan:
    """What to seed: sizes, the ids of the people involved and the few special tickets."""

    tickets: int
    customers: int
    now: float
    organization_ids: list[int]
    team_agents: dict[int, list[int]]  # team id -> agent ids
    bench_agent_id: int
    tag_ids: list[int]
    seed: int = 20_240_601
    big_ticket_id: int = 0
    rare_ticket_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.big_ticket_id = self.tickets // 2
        step = self.tickets // (RARE_TICKETS + 1)
        self.rare_ticket_ids = [step * (k + 1) + 7 for k in range(RARE_TICKETS)]


def customer_lines(plan: Plan, rng: random.Random, people: list[tuple[str, str, int | None]]):
    """Customers' COPY lines; fills `people` with (language, name, organization) by customer id - 1."""
    for pk in range(1, plan.customers + 1):
        language = rng.choice(LANGUAGES)
        firsts, lasts, domain = NAMES[language]
        first, last = rng.choice(firsts), rng.choice(lasts)
        organization = rng.choice(plan.organization_ids) if rng.random() < 0.3 else None
        email = f"{ascii_only(first)}.{ascii_only(last)}{pk}@example.{domain}"
        people.append((language, f"{first} {last}", organization))
        created = stamp(plan.now - YEAR - rng.random() * YEAR)
        yield f"{pk}\t{first} {last}\t{email}\t\t{language}\t\t\tf\tf\t{organization or NULL}\t{created}\n"


def message_counts(plan: Plan, rng: random.Random) -> array:
    """How many messages each ticket has (index = id - 1): 1 to 5, one long thread, exactly 3 per ticket."""
    counts = array("B", rng.choices(range(1, 6), k=plan.tickets))
    counts[plan.big_ticket_id - 1] = 0
    excess = sum(counts) + LONG_THREAD - MESSAGES_PER_TICKET * plan.tickets
    while excess:
        index = rng.randrange(plan.tickets)
        if index != plan.big_ticket_id - 1 and 1 <= counts[index] + (-1 if excess > 0 else 1) <= 6:
            counts[index] += -1 if excess > 0 else 1
            excess += -1 if excess > 0 else 1
    counts[plan.big_ticket_id - 1] = LONG_THREAD
    return counts


def body(rng: random.Random, language: str, signature: str, extra: str = "") -> tuple[str, str]:
    sentences = SENTENCES[language]
    parts = [GREETINGS[language], rng.choice(sentences) + extra]
    if rng.random() < 0.6:
        parts.append(rng.choice(sentences))
    parts.append(f"{THANKS[language]} {signature}")
    return "<p>" + "</p><p>".join(parts) + "</p>", "\\n\\n".join(parts)


class Batches:
    """Yields {table: COPY text} for `size` tickets at a time, with their messages, activity and tags."""

    def __init__(self, plan: Plan, people: list[tuple[str, str, int | None]], agent_names: dict[int, str]):
        self.plan, self.people, self.agent_names = plan, people, agent_names
        self.rng = random.Random(plan.seed)
        self.counts = message_counts(plan, self.rng)
        self.teams = list(plan.team_agents)
        self.bench_share = min(0.5, BENCH_AGENT_OPEN / (0.4 * plan.tickets))
        self.message_id = self.activity_id = self.tag_row_id = 0

    def __iter__(self):
        size = 10_000
        for start in range(1, self.plan.tickets + 1, size):
            out = {"tickets": [], "messages": [], "activities": [], "tags": []}
            for pk in range(start, min(start + size, self.plan.tickets + 1)):
                self.ticket(pk, out)
            yield {table: "".join(lines) for table, lines in out.items()}

    def ticket(self, pk: int, out: dict[str, list[str]]) -> None:
        plan, rng = self.plan, self.rng
        requester = rng.randrange(1, plan.customers + 1)
        language, name, organization = self.people[requester - 1]
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        team = rng.choice(self.teams) if rng.random() < 0.95 else None
        agents = plan.team_agents.get(team) or plan.team_agents[self.teams[0]]
        assignee = rng.choice(agents) if rng.random() < (0.7 if status in UNSOLVED else 0.95) else None
        if status in UNSOLVED and rng.random() < self.bench_share:
            assignee, team = plan.bench_agent_id, team or self.teams[0]
        age = rng.random() * YEAR
        created = plan.now - age
        if status in UNSOLVED:
            updated = plan.now - rng.random() * min(age, 14 * DAY)
        else:
            updated = created + rng.random() * min(age, 20 * DAY)
        count = self.counts[pk - 1]
        if pk == plan.big_ticket_id:
            status, team, assignee = "open", self.teams[0], plan.bench_agent_id
            created, updated = plan.now - 60 * DAY, plan.now - 3600.0
        subject = rng.choice(SUBJECTS[language])
        if rng.random() < 0.8:
            subject += f" – {rng.choice(PRODUCTS)}"
        rare = plan.rare_ticket_ids.index(pk) if pk in plan.rare_ticket_ids else None
        if rare is not None and rare % 2 == 0:
            subject += f" ({RARE_WORD})"
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        responder = assignee or rng.choice(agents)
        responder_name = self.agent_names[responder]
        step = (updated - created) / max(count - 1, 1)
        first_response = None
        for index in range(count):
            self.message_id += 1
            at = stamp(created + index * step)
            from_customer = index % 2 == 0 or status == "new"
            extra = (
                f" The {RARE_WORD} sticker on the box was torn." if index == 0 and rare and rare % 2 else ""
            )
            if from_customer:
                html, text = body(rng, language, name, extra)
                author, public = f"customer\t{NULL}\t{requester}\tt\tt", True
            else:
                html, text = body(rng, language, f"{responder_name}, {COMMON_WORD.capitalize()} support")
                public = index == count - 1 or rng.random() > 0.1
                author = f"agent\t{responder}\t{NULL}\tf\t{'t' if public else 'f'}"
                first_response = first_response or at
            msg_channel = channel if public else "internal"
            mail_id = f"<m{self.message_id}@mail.example>" if msg_channel == "email" else ""
            out["messages"].append(
                f"{self.message_id}\t{pk}\t{author}\t{html}\t{text}\t{msg_channel}\t{mail_id}\t{{}}\t{at}\n"
            )
        solved = stamp(updated) if status in ("solved", "closed") else NULL
        closed = stamp(updated) if status == "closed" else NULL
        first_due = stamp(created + DAY) if status == "new" else NULL
        resolution_due = stamp(created + 5 * DAY) if status in UNSOLVED else NULL
        out["tickets"].append(
            f"{pk}\t{subject}\t{status}\t{rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]}\t"
            f"{rng.choice(TYPES)}\t"
            f"{channel}\t{language}\t{stamp(created)}\t{stamp(updated)}\t{first_response or NULL}\t"
            f"{solved}\t{closed}\t{first_due}\t{resolution_due}\t{self.message_id if count else NULL}\t"
            f"{assignee or NULL}\t{organization or NULL}\t{requester}\t{team or NULL}\t0\t{stamp(updated)}\n"
        )
        self.activities(pk, status, created, updated, assignee, out["activities"])
        if rng.random() < 0.4:
            for tag in {rng.choice(plan.tag_ids) for _ in range(rng.choice((1, 1, 2)))}:
                self.tag_row_id += 1
                out["tags"].append(f"{self.tag_row_id}\t{pk}\t{tag}\n")

    def activities(self, pk: int, status: str, created: float, updated: float, assignee, lines) -> None:
        entries = []
        if assignee:
            entries.append(
                ("assignee", "", self.agent_names[assignee], "routing: least loaded agent on shift")
            )
        if status != "new":
            entries.append(("status", "new", status, ""))
        if pk == self.plan.big_ticket_id:
            entries += [
                ("priority", "normal", "high", "customer escalated"),
                ("status", "pending", "open", ""),
            ] * 15
        step = (updated - created) / (len(entries) + 1)
        for index, (name, old, new, reason) in enumerate(entries, start=1):
            self.activity_id += 1
            actor = assignee if name == "status" and assignee else NULL
            at = stamp(created + index * step)
            lines.append(f"{self.activity_id}\t{pk}\t{actor}\t{name}\t{old}\t{new}\t{reason}\t{at}\n")
