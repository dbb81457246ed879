"""Time the desk's pages in process: Django's test client, server time only, DEBUG off.

Each page: 3 warm-up requests and one request under CaptureQueriesContext (its query count and SQL
time), then `repeat` timed requests (time.perf_counter around client.get), the pages taken in turn.
Targets, against the baseline (a one-row fragment) measured in the same run: p95 <= 10x the
baseline's p95 and <= 20 SQL queries.
"""

import gc
import math
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from customers.lists import customer_page
from customers.models import Customer
from helpdesk.models import User
from tickets.selectors import PAGE_SIZE, encode_cursor, queue_tickets

WARM_UP = 3
MAX_RATIO = 10.0
MAX_QUERIES = 20
DEEP_PAGE = 500


@dataclass
class Result:
    label: str
    path: str
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    sql_ms: float | None = None  # time in SQL of the counted request
    slowest: list[dict] = field(default_factory=list)  # its slowest queries
    problem: str = ""  # why it was not measured: a missing view, an error status
    ratio: float | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)  # nearest rank
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]

    @property
    def verdict(self) -> str:
        if self.problem:
            return self.problem
        if self.ratio is None:
            return "NO BASELINE"
        return "PASS" if self.ratio <= MAX_RATIO and self.queries <= MAX_QUERIES else "FAIL"


def deep_page(user: User) -> tuple[int, str]:
    """Page DEEP_PAGE of "all open" (or its last full page on a small seed) and the cursor that opens it:
    the sort key of the last row of the page before, read with one OFFSET query."""
    tickets = queue_tickets(user, "open").only("id", "updated_at")
    page = DEEP_PAGE
    row = tickets[(page - 1) * PAGE_SIZE - 1 :].first()
    if row is None:
        page = max(tickets.count() // PAGE_SIZE, 2)
        row = tickets[(page - 1) * PAGE_SIZE - 1 :].first()
    return page, encode_cursor(row)


def pages(facts: dict, user: User) -> list[tuple[str, str]]:
    """(label, path) of every page measured; the first is the baseline."""
    big = facts["big_ticket_id"]
    page, cursor = deep_page(user)
    return [
        ("baseline: ticket preview", f"/desk/tickets/{big + 1}/preview/"),
        ("all open (page 1)", "/desk/views/open/"),
        (f"all open (page {page})", f"/desk/views/open/?after={cursor}"),
        ("my open", "/desk/views/mine/"),
        (f"search common ({facts['common_word']})", f"/desk/search/?q={facts['common_word']}"),
        (f"search rare ({facts['rare_word']})", f"/desk/search/?q={facts['rare_word']}"),
        ("ticket, 200 messages", f"/desk/tickets/{big}/"),
        ("customer 360 (500 tickets)", f"/desk/customers/{facts['big_customer_id']}/"),
        *customer_list_pages(),
    ]


def customer_list_pages() -> list[tuple[str, str]]:
    """The customer list at a million customers: page 1, page 2 (its cursor), a name prefix shared by
    many customers, and one customer's email address (a customer from the middle of the table)."""
    middle = (Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) // 2
    someone = Customer.objects.filter(pk__gte=middle).order_by("pk").first()
    if someone is None:
        return []
    prefix = someone.name[:3].lower()
    return [
        ("customers (page 1)", "/desk/customers/"),
        ("customers (page 2)", f"/desk/customers/?after={customer_page().next_cursor}"),
        (f"customers search ({prefix})", f"/desk/customers/?q={quote(prefix)}"),
        ("customers search (email)", f"/desk/customers/?q={quote(someone.email)}"),
    ]


def get(client: Client, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.get(path)
    return response.status_code, (time.perf_counter() - started) * 1000


def prepare(client: Client, result: Result) -> None:
    """Check the page answers 200, warm it up, and count its queries (outside the timed requests)."""
    try:
        resolve(urlsplit(result.path).path)
    except Resolver404:
        result.problem = "MISSING (no such URL)"
        return
    for _ in range(WARM_UP):
        status, _ms = get(client, result.path)
        if status != 200:
            result.problem = f"MISSING ({status})" if status == 404 else f"ERROR ({status})"
            return
    with CaptureQueriesContext(connection) as queries:
        get(client, result.path)
    result.queries = len(queries.captured_queries)
    result.sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    result.slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:3]


def run(facts: dict, *, repeat: int) -> list[Result]:
    user = User.objects.get(pk=facts["bench_agent_id"])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    results = [Result(label, path) for label, path in pages(facts, user)]
    print(
        f"Measuring as {user.email} ({user.role}, {user.teams.count()} teams): "
        f"{WARM_UP} warm-up + {repeat} timed requests per page, pages taken in turn ...",
        flush=True,
    )
    for result in results:
        prepare(client, result)
    gc.collect()
    # Round robin: a burst of load from elsewhere on the machine hits every page alike, baseline included.
    for _ in range(repeat):
        for result in results:
            if not result.problem:
                status, ms = get(client, result.path)
                if status != 200:
                    result.problem, result.times_ms = f"ERROR ({status})", []
                else:
                    result.times_ms.append(ms)
    baseline = results[0]
    for result in results:
        if not result.problem and not baseline.problem:
            result.ratio = result.p95 / baseline.p95
    return results


def slowest_queries(results: list[Result]) -> str:
    lines = []
    for result in results:
        lines.append(f"{result.label}:")
        for query in result.slowest:
            lines.append(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
    return "\n".join(lines)


def table(results: list[Result]) -> str:
    columns = f"{'p50 ms':>8} {'p95 ms':>8} {'p95/base':>9} {'queries':>8} {'sql ms':>7}"
    header = f"{'page':<30} {columns}  {'result':<21} path"
    lines = [header, "-" * len(header)]
    for r in results:
        timed = bool(r.times_ms)
        p50 = f"{r.p50:8.1f}" if timed else f"{'-':>8}"
        p95 = f"{r.p95:8.1f}" if timed else f"{'-':>8}"
        ratio = f"{r.ratio:8.1f}x" if r.ratio is not None else f"{'-':>9}"
        queries = f"{r.queries:8d} {r.sql_ms:7.1f}" if r.queries is not None else f"{'-':>8} {'-':>7}"
        path = r.path if len(r.path) <= 60 else r.path[:57] + "..."
        lines.append(f"{r.label:<30} {p50} {p95} {ratio} {queries}  {r.verdict:<21} {path}")
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    baseline = results[0]
    target = (
        f"p95 <= {MAX_RATIO:g}x baseline p95 ({MAX_RATIO * baseline.p95:.1f} ms)"
        if baseline.times_ms
        else "baseline not measured"
    )
    passed = [r for r in results if r.verdict == "PASS"]
    failed = [r.label for r in results if r.verdict == "FAIL"]
    missing = [r.label for r in results if r.problem or r.ratio is None]
    score = f"{len(passed)}/{len(results)}"
    text = f"Summary: {score} pages meet the targets ({target}, <= {MAX_QUERIES} queries)"
    if failed:
        text += f"; FAIL: {'; '.join(failed)}"
    if missing:
        text += f"; not measured: {'; '.join(missing)}"
    return text + "."
