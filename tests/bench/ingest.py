"""Time email ingest in process: messages per second through receive_email, what `ingest_email` calls.

The corpus is tests/tickets/mime/*.eml cycled to `count` messages, each copy with a Message-ID of its
own (none is a duplicate). The sender changes every CONVERSATION messages and the later messages of a
conversation answer the earlier ones (In-Reply-To, References), so some open tickets and some thread;
bounces keep their mailer-daemon sender, and malformed emails stay malformed (they are quarantined).
Three steps, timed over the whole corpus, ROUNDS rounds taken in turn after one warm-up pass:
the baseline, a bare parse (email.message_from_bytes, policy.default, get_content() of every part),
parse_email alone, and receive_email into the support@ mailbox (created when missing). Each ingest
round runs in a transaction that is rolled back, with MEDIA_ROOT in a temporary directory deleted
afterwards: the seeded data stays as it was. Inside that transaction receive_email's own transactions
are savepoints, so no COMMIT is timed (nor deferred foreign-key checks); quarantine warnings are
silenced while it runs.
Target: ingest <= 20x the bare parse (best rounds).
"""

import contextlib
import email
import email.policy
import gc
import logging
import re
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from tickets.channels.email_in import receive_email
from tickets.channels.email_parse import BOUNCE_SENDERS, EmailParseError, parse_email
from tickets.models import InboundStatus, Mailbox

CORPUS = Path(__file__).resolve().parent.parent / "tickets" / "mime"
ROUNDS = 3
CONVERSATION = 3  # messages per sender: the first opens a ticket, the others answer it
MAX_RATIO = 20.0
ADDRESS_TO = "support@helpdesk.example"  # the mailbox most of the corpus is sent to
FIELD = re.compile(rb"^([!-9;-~]+):")
ADDRESS = re.compile(rb"([A-Za-z0-9._%+=-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
REPLACED = {b"message-id", b"in-reply-to", b"references"}


class Rollback(Exception):
    """Raised at the end of an ingest round to roll its transaction back."""


@dataclass
class Step:
    label: str
    seconds: list[float] = field(default_factory=list)
    ratio: float | None = None

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def fields(raw: bytes) -> tuple[list[bytes], bytes, bytes] | None:
    """The header fields (folded lines kept), the rest (blank line and body) and the line ending;
    None when the bytes do not start with a header (garbage, left as it is)."""
    if not FIELD.match(raw):
        return None
    eol = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    end = raw.find(eol + eol)
    head, rest = (raw, b"") if end < 0 else (raw[:end], raw[end:])
    found: list[bytes] = []
    for line in head.split(eol):
        if found and line[:1] in (b" ", b"\t"):
            found[-1] += eol + line
        else:
            found.append(line)
    return found, rest, eol


def sender_domains(files: list[bytes]) -> list[str]:
    """The domains of the corpus's senders, to give each conversation a realistic one."""
    domains = set()
    for raw in files:
        parsed = fields(raw)
        for line in parsed[0] if parsed else []:
            match = ADDRESS.search(line) if line.lower().startswith(b"from:") else None
            if match and match.group(1).lower() not in {s.encode() for s in BOUNCE_SENDERS}:
                domains.add(match.group(2).decode().lower())
    return sorted(domains - {"helpdesk.example"}) or ["example.com"]


def corpus(count: int) -> tuple[list[bytes], int]:
    """`count` messages cycled from the MIME files, and how many files there are."""
    files = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    domains, run = sender_domains(files), uuid.uuid4().hex[:8]
    messages: list[bytes] = []
    earlier: list[bytes] = []  # Message-IDs of the conversation so far
    for index in range(count):
        raw, talk = files[index % len(files)], index // CONVERSATION
        if index % CONVERSATION == 0:
            earlier = []
        parsed = fields(raw)
        if parsed is None:
            messages.append(raw)
            continue
        found, rest, eol = parsed
        sender = f"customer{talk}.{run}@{domains[talk % len(domains)]}".encode()
        message_id = f"<bench-{index}.{run}@ingest.bench.example>".encode()
        new = [b"Message-ID: " + message_id]
        if earlier:
            new += [b"In-Reply-To: " + earlier[-1], b"References: " + b" ".join(earlier)]
        for line in found:
            name = line.split(b":", 1)[0].strip().lower()
            if name in REPLACED and (earlier or name == b"message-id"):
                continue
            match = ADDRESS.search(line) if name == b"from" else None
            if match and match.group(1).decode().lower() not in BOUNCE_SENDERS:
                line = line[: match.start()] + sender + line[match.end() :]
            new.append(line)
        earlier.append(message_id)
        messages.append(eol.join(new) + rest)
    return messages, len(files)


def bare_parse(raw: bytes) -> None:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        # Multiparts have no content of their own; a broken part counts as read.
        with contextlib.suppress(Exception):
            part.get_content()


def parse_only(raw: bytes) -> None:
    with contextlib.suppress(EmailParseError):
        parse_email(raw)


def ingest(messages: list[bytes], statuses: Counter) -> float:
    """Seconds to receive every message, in a transaction rolled back afterwards; counts the statuses."""
    statuses.clear()
    try:
        with transaction.atomic():
            mailbox = Mailbox.objects.filter(address=ADDRESS_TO).first() or Mailbox.objects.create(
                name=f"bench-{uuid.uuid4().hex[:8]}", address=ADDRESS_TO
            )
            gc.collect()
            started = time.perf_counter()
            for raw in messages:
                try:
                    statuses[receive_email(raw=raw, mailbox=mailbox).inbound.status] += 1
                except Exception as error:  # noqa: BLE001 - a crash is a finding; report it, keep timing
                    statuses[f"error ({type(error).__name__})"] += 1
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return seconds


def timed(function: Callable[[bytes], None], messages: list[bytes]) -> float:
    gc.collect()
    started = time.perf_counter()
    for raw in messages:
        function(raw)
    return time.perf_counter() - started


def run(count: int = 600) -> tuple[list[Step], Counter, dict]:
    messages, files = corpus(count)
    steps = [Step("baseline: bare parse"), Step("parse_email"), Step("receive_email (ingest)")]
    statuses: Counter = Counter()
    facts = {"messages": len(messages), "files": files, "bytes": sum(map(len, messages))}
    print(
        f"Ingesting {len(messages)} messages cycled from {files} files in {CORPUS.relative_to(Path.cwd())}: "
        f"1 warm-up + {ROUNDS} timed rounds per step, steps taken in turn ...",
        flush=True,
    )
    log = logging.getLogger("tickets.channels.email_in")
    level, media_dir = log.level, tempfile.TemporaryDirectory(prefix="helpdesk-bench-media-")
    log.setLevel(logging.ERROR)
    try:
        with media_dir as media, override_settings(MEDIA_ROOT=media):
            timed(bare_parse, messages[:files])
            timed(parse_only, messages[:files])
            with CaptureQueriesContext(connection) as queries:
                ingest(messages[:files], statuses)
            facts["queries"] = queries.captured_queries
            for _ in range(ROUNDS):
                steps[0].seconds.append(timed(bare_parse, messages))
                steps[1].seconds.append(timed(parse_only, messages))
                steps[2].seconds.append(ingest(messages, statuses))
            facts["files_written"] = sum(1 for path in Path(media).rglob("*") if path.is_file())
    finally:
        log.setLevel(level)
    for step in steps:
        step.ratio = step.best / steps[0].best
    return steps, statuses, facts


def table(steps: list[Step], facts: dict) -> str:
    header = f"{'step':<26} {'best s':>8} {'median s':>9} {'msg/s':>9} {'ms/msg':>7} {'x bare':>7}  result"
    lines = [header, "-" * len(header)]
    for step in steps:
        rate, each = facts["messages"] / step.best, step.best * 1000 / facts["messages"]
        verdict = ("PASS" if step.ratio <= MAX_RATIO else "FAIL") if step.label.startswith("receive") else ""
        lines.append(
            f"{step.label:<26} {step.best:8.3f} {step.median:9.3f} {rate:9.0f} {each:7.2f} "
            f"{step.ratio:6.1f}x  {verdict}".rstrip()
        )
    return "\n".join(lines)


def summary(steps: list[Step], statuses: Counter, facts: dict) -> str:
    order = [status.value for status in InboundStatus] + sorted(set(statuses) - set(InboundStatus.values))
    counts = ", ".join(f"{status} {statuses[status]}" for status in order if statuses[status])
    warm_up, queries = facts["files"], facts["queries"]
    sql_ms = sum(float(query["time"]) for query in queries) * 1000 / warm_up
    ratio = steps[-1].ratio
    verdict = "PASS" if ratio <= MAX_RATIO else "FAIL"
    return (
        f"Statuses per round: {counts}.\n"
        f"Corpus: {facts['bytes'] / facts['messages']:.0f} bytes per message on average. Ingest ran "
        f"{len(queries) / warm_up:.1f} SQL queries and {sql_ms:.1f} ms of SQL per message (warm-up);\n"
        f"it wrote {facts['files_written']} files to a temporary MEDIA_ROOT, now deleted, and every round "
        f"was rolled back.\n"
        f"Summary: ingest costs {ratio:.1f}x the bare parse (target <= {MAX_RATIO:g}x): {verdict}; "
        f"parse_email alone {steps[1].ratio:.1f}x."
    )


def slowest_queries(facts: dict, top: int = 5) -> str:
    """The warm-up's queries grouped by their SQL with literals blanked, by total time."""
    groups: dict[str, list[float]] = {}
    for query in facts["queries"]:
        key = re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(query["sql"].split()))
        groups.setdefault(key, []).append(float(query["time"]) * 1000)
    lines = [f"Ingest warm-up ({facts['files']} messages), slowest SQL by total time:"]
    for key, times in sorted(groups.items(), key=lambda item: -sum(item[1]))[:top]:
        lines.append(f"  {sum(times):7.1f} ms {len(times):4d}x  {key[:140]}")
    return "\n".join(lines)
