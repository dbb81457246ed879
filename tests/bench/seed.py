"""Seed the bench database: a few people through the ORM, the million tickets through COPY.

Secondary indexes of the big tables are dropped around the load and rebuilt from their own definitions
(what the migrations made), foreign-key triggers are off while loading (the generator keeps the
references right), search vectors are computed in SQL exactly as tickets/search.py computes them, and the
tables are vacuumed and analyzed. A comment on the database records a finished seed.
"""

import io
import json
import queue
import random
import threading
import time

from django.db import connection
from django.utils import timezone

from backoffice.models import Team
from customers.models import Organization
from helpdesk.models import Role, User
from helpdesk.services import user_create
from tests.bench import rows
from tests.bench.text import AGENT_NAMES, COMMON_WORD, ORGANIZATIONS, RARE_WORD, TAGS, TEAMS
from tickets import search
from tickets.models import Message, Tag, Ticket

BENCH_AGENT_EMAIL = "bench.agent@bench.invalid"
BIG_TABLES = ["tickets_ticket", "tickets_message", "tickets_activity", "tickets_ticket_tags"]
TABLES = {  # batch key -> (table, columns)
    "tickets": ("tickets_ticket", rows.TICKET_COLUMNS),
    "messages": ("tickets_message", rows.MESSAGE_COLUMNS),
    "activities": ("tickets_activity", rows.ACTIVITY_COLUMNS),
    "tags": ("tickets_ticket_tags", rows.TAG_COLUMNS),
}
# Bump when the seeded data or its vectors change: an older seed is then rebuilt, not reused.
SEED_VERSION = 3
# The same vector as tickets.search.REBUILD_SQL (subject A, requester B, messages C), per slice of tickets.
TICKET_VECTORS = f"""
    UPDATE tickets_ticket t SET search_vector =
        setweight(to_tsvector('simple', t.subject), 'A')
        || setweight(to_tsvector('simple',
            c.name || ' ' || c.email || ' ' || replace(replace(c.email, '@', ' '), '.', ' ')), 'B')
        || setweight(to_tsvector('simple', left(coalesce(m.text, ''), {search.TICKET_CHARS})), 'C')
    FROM customers_customer c,
        (SELECT ticket_id, string_agg(left(body_text, {search.MESSAGE_CHARS}), ' ' ORDER BY id) AS text
         FROM tickets_message WHERE ticket_id >= %s AND ticket_id < %s GROUP BY ticket_id) m
    WHERE c.id = t.requester_id AND m.ticket_id = t.id AND t.id >= %s AND t.id < %s"""  # noqa: S608


CUSTOMER_IDENTITIES = """
    INSERT INTO customers_identity (customer_id, kind, value, display, verified, created_at)
    SELECT id, 'email', lower(email), '', false, created_at FROM customers_customer"""
# One customer with a long history, for the 360° view: every BIG_CUSTOMER_EVERY-th ticket (500 of
# 1,000,000) is theirs, with their messages on it.
BIG_CUSTOMER_ID = 1
BIG_CUSTOMER_EVERY = 2000
BIG_CUSTOMER = """
    WITH theirs AS (
        UPDATE tickets_ticket SET requester_id = %(customer)s, organization_id = NULL
        WHERE id %% %(every)s = 0 RETURNING id)
    UPDATE tickets_message SET author_customer_id = %(customer)s
    WHERE author_kind = 'customer' AND ticket_id IN (SELECT id FROM theirs)"""


def log(started: float, text: str) -> None:
    print(f"  [{time.perf_counter() - started:6.0f} s] {text}", flush=True)


def copy(cursor, table: str, columns: str, text: str) -> None:
    if text:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text), size=1 << 20)


def record(facts: dict) -> None:
    with connection.cursor() as cursor:
        comment = json.dumps(facts).replace("'", "''")
        cursor.execute(f"""COMMENT ON DATABASE "{connection.settings_dict["NAME"]}" IS '{comment}'""")


def recorded() -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                       [connection.settings_dict["NAME"]])  # fmt: skip
        comment = cursor.fetchone()[0]
    try:
        return json.loads(comment) if comment else None
    except ValueError:
        return None


def has_tickets() -> bool:
    return Ticket.objects.exists()


def existing(tickets: int) -> dict | None:
    """The facts of a finished seed of `tickets` tickets whose counts still hold, else None."""
    facts = recorded()
    if not facts or facts.get("tickets") != tickets or facts.get("version") != SEED_VERSION:
        return None
    big = facts["big_ticket_id"]
    if (
        Ticket.objects.count() != tickets
        or Message.objects.count() != facts["messages"]
        or Message.objects.filter(ticket_id=big).count() != rows.LONG_THREAD
        or not User.objects.filter(pk=facts["bench_agent_id"], email=BENCH_AGENT_EMAIL).exists()
    ):
        return None
    return facts


def people() -> tuple[list[int], dict[int, list[int]], User, dict[int, str]]:
    organizations = Organization.objects.bulk_create(Organization(name=name) for name in ORGANIZATIONS)
    bench_agent = user_create(email=BENCH_AGENT_EMAIL, full_name="Bench Agent", role=Role.AGENT)
    user_create(email="bench.supervisor@bench.invalid", full_name="Bench Supervisor", role=Role.SUPERVISOR)
    team_agents, names = {}, {bench_agent.pk: bench_agent.full_name}
    for number, team_name in enumerate(TEAMS):
        team = Team.objects.create(name=team_name)
        agents = [
            user_create(email=f"agent{number}.{k}@bench.invalid", full_name=name, role=Role.AGENT)
            for k, name in enumerate(AGENT_NAMES)
        ]
        team.members.add(bench_agent, *agents)
        team_agents[team.pk] = [agent.pk for agent in agents]
        names.update({agent.pk: agent.full_name for agent in agents})
    return [org.pk for org in organizations], team_agents, bench_agent, names


def drop_indexes(cursor) -> list[str]:
    """Drop the secondary indexes of the big tables (not those behind constraints); return their DDL."""
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
           WHERE t.relname = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
        [BIG_TABLES],
    )
    found = cursor.fetchall()
    for name, _ddl in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [ddl for _name, ddl in found]


def load(cursor, batches: rows.Batches, started: float) -> None:
    """COPY the batches; a thread builds the next batch while PostgreSQL swallows this one."""
    ready: queue.Queue = queue.Queue(maxsize=2)

    def produce() -> None:
        try:
            for batch in batches:
                ready.put(batch)
        finally:
            ready.put(None)

    threading.Thread(target=produce, daemon=True, name="bench-rows").start()
    done = messages = 0
    step = max(batches.plan.tickets // 10, 1)
    while (batch := ready.get()) is not None:
        for key, (table, columns) in TABLES.items():
            copy(cursor, table, columns, batch[key])
        count = batch["tickets"].count("\n")
        done, messages = done + count, messages + batch["messages"].count("\n")
        if done // step != (done - count) // step:
            log(started, f"{done:,} tickets, {messages:,} messages loaded")
    if done != batches.plan.tickets:
        raise RuntimeError("the row generator stopped early")


def seed(tickets: int) -> dict:
    started = time.perf_counter()
    print(f"Seeding {tickets:,} tickets and {tickets * rows.MESSAGES_PER_TICKET:,} messages ...", flush=True)
    organization_ids, team_agents, bench_agent, agent_names = people()
    tags = Tag.objects.bulk_create(Tag(name=name) for name in TAGS)
    plan = rows.Plan(
        tickets=tickets,
        customers=max(100, tickets),  # the customer list is measured at 1,000,000 customers too
        now=timezone.now().timestamp(),
        organization_ids=organization_ids,
        team_agents=team_agents,
        bench_agent_id=bench_agent.pk,
        tag_ids=[tag.pk for tag in tags],
    )
    rng = random.Random(plan.seed - 1)
    customers: list[tuple[str, str, int | None]] = []
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        # Foreign-key triggers off for this session's load (superuser only; else they just run).
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET session_replication_role = replica")
        copy(
            cursor,
            "customers_customer",
            rows.CUSTOMER_COLUMNS,
            "".join(rows.customer_lines(plan, rng, customers)),
        )
        # Lookups go through identities: every customer's address is one, as the product makes them.
        cursor.execute(CUSTOMER_IDENTITIES)
        definitions = drop_indexes(cursor)
        log(started, f"{plan.customers:,} customers; dropped {len(definitions)} indexes for the load")
        batches = rows.Batches(plan, customers, agent_names)
        load(cursor, batches, started)
        cursor.execute("RESET session_replication_role")
        cursor.execute(BIG_CUSTOMER, {"customer": BIG_CUSTOMER_ID, "every": BIG_CUSTOMER_EVERY})
        cursor.execute(
            "UPDATE customers_customer SET organization_id = NULL WHERE id = %s", [BIG_CUSTOMER_ID]
        )
        # In slices, each vacuumed, so that the next slice's new row versions reuse the freed space.
        chunk = 250_000
        for low in range(1, plan.tickets + 1, chunk):
            cursor.execute(TICKET_VECTORS, [low, low + chunk, low, low + chunk])
            cursor.execute("VACUUM tickets_ticket")
        log(started, "ticket search vectors computed (subject, requester and messages)")
        for table in ["customers_customer", *BIG_TABLES]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
            cursor.execute(f"VACUUM {table}")
        log(started, "sequences set, tables vacuumed")
        for ddl in definitions:
            cursor.execute(ddl)
        log(started, f"{len(definitions)} indexes rebuilt")
        cursor.execute("ANALYZE")
    facts = {
        "version": SEED_VERSION,
        "tickets": tickets,
        "messages": batches.message_id,
        "big_ticket_id": plan.big_ticket_id,
        "big_customer_id": BIG_CUSTOMER_ID,
        "bench_agent_id": bench_agent.pk,
        "common_word": COMMON_WORD,
        "rare_word": RARE_WORD,
        "seconds": round(time.perf_counter() - started),
        "seeded_at": timezone.now().isoformat(timespec="seconds"),
    }
    record(facts)
    log(started, "analyzed; done")
    return facts


def describe(facts: dict) -> str:
    unsolved = Ticket.objects.unsolved()
    mine = unsolved.filter(assignee_id=facts["bench_agent_id"]).count()
    return (
        f"Data: {facts['tickets']:,} tickets ({unsolved.count():,} unsolved), "
        f"{facts['messages']:,} messages; "
        f"bench agent has {mine:,} unsolved; long thread #{facts['big_ticket_id']}; "
        f"seeded {facts['seeded_at']} in {facts['seconds']} s."
    )
