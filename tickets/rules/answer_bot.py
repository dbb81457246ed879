"""The answer bot: a rule action that replies with the best-matching public knowledge-base articles in
the customer's language (English when none match there), with two links: "this solved it" solves the
ticket and counts as a deflection, "I still need help" leaves it with the team. The links carry a
signed token, so the customer needs no account; they open a page with a button (an email scanner that
follows links changes nothing).
"""

import re

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.kb.models import ArticleTranslation
from backoffice.kb.search import search_translations
from helpdesk.outbox import outbox_publish
from tickets.models import AnswerBotReply, AnswerOutcome, Channel, Rule, Status, Ticket
from tickets.services.conversation import message_add
from tickets.services.core import ticket_update

MAX_ARTICLES = 3
MAX_WORDS = 20
SALT = "tickets.answer-bot"
WORD = re.compile(r"\w{3,}")


def _query(ticket: Ticket) -> str:
    """Any of the ticket's words (full-text `or`): a customer's whole message never matches as a phrase."""
    first = ticket.messages.order_by("created_at", "id").values_list("body_text", flat=True).first() or ""
    words = list(dict.fromkeys(word.lower() for word in WORD.findall(f"{ticket.subject} {first}")))
    return " or ".join(words[:MAX_WORDS])


def suggested_articles(ticket: Ticket) -> list[ArticleTranslation]:
    language = ticket.requester.language or ticket.language or settings.LANGUAGE_CODE
    query = _query(ticket)
    public = ArticleTranslation.objects.public().defer("search_vector")
    found = list(search_translations(public, query, language=language)[:MAX_ARTICLES])
    if not found and language != settings.LANGUAGE_CODE:
        found = list(search_translations(public, query, language=settings.LANGUAGE_CODE)[:MAX_ARTICLES])
    return found


def feedback_url(reply: AnswerBotReply, choice: str) -> str:
    token = signing.dumps({"reply": reply.pk}, salt=SALT)
    return f"{settings.SITE_URL}{reverse('answer_feedback', args=[token])}?choice={choice}"


def reply_for_token(token: str) -> AnswerBotReply | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return AnswerBotReply.objects.select_related("ticket").filter(pk=data.get("reply")).first()


def answer_bot_reply(rule: Rule, ticket: Ticket) -> dict:
    """Send the articles (once per ticket and rule); what happened, for the rule's firing record."""
    if AnswerBotReply.objects.filter(ticket=ticket, rule=rule).exists():
        return {"articles_refused": _("The answer bot replied on this ticket already.")}
    articles = suggested_articles(ticket)
    if not articles:
        return {"articles_refused": _("No public article matches this ticket.")}
    reply = AnswerBotReply.objects.create(
        ticket=ticket, rule=rule, articles=[{"id": a.pk, "title": a.title} for a in articles]
    )
    with translation.override(ticket.requester.language or ticket.language or settings.LANGUAGE_CODE):
        lines = [
            f"- {article.title}: {settings.SITE_URL}{article.get_absolute_url()}" for article in articles
        ]
        body = _(
            "Hello,\n\nwhile our team picks up your request, these articles may already answer it:\n\n"
            "%(articles)s\n\nThis solved it: %(solved)s\nI still need help: %(help)s\n\n"
            "This is an automatic reply."
        ) % {
            "articles": "\n".join(lines),
            "solved": feedback_url(reply, "solved"),
            "help": feedback_url(reply, "help"),
        }
    message = message_add(
        ticket=ticket,
        body=body,
        channel=ticket.channel if ticket.channel in (Channel.EMAIL, Channel.SOCIAL) else Channel.WEB,
        metadata={"auto_reply": True, "answer_bot": reply.pk},
    )
    outbox_publish(name="ticket.auto_replied", payload={"ticket_id": ticket.pk, "message_id": message.pk})
    return {"articles": [article.title for article in articles]}


@transaction.atomic
def answer_bot_feedback(*, reply: AnswerBotReply, solved: bool) -> bool:
    """Record the customer's answer once; "solved" solves the ticket. False when already answered."""
    reply = AnswerBotReply.objects.select_for_update().get(pk=reply.pk)
    if reply.outcome:
        return False
    reply.outcome = AnswerOutcome.SOLVED if solved else AnswerOutcome.NEEDS_HELP
    reply.decided_at = timezone.now()
    reply.save(update_fields=["outcome", "decided_at"])
    ticket = Ticket.objects.get(pk=reply.ticket_id)
    if solved and ticket.is_unsolved:
        ticket_update(
            ticket=ticket,
            by=None,
            changes={"status": Status.SOLVED},
            reason=_("the customer said a knowledge base article solved it"),
        )
    elif not solved:
        message_add(
            ticket=ticket,
            body=_("The customer still needs help after reading the suggested articles."),
            public=False,
            metadata={"answer_bot": reply.pk},
        )
    return True


def deflections(since) -> int:
    """Tickets the answer bot's articles solved since `since` (the dashboards' deflection count)."""
    return AnswerBotReply.objects.filter(outcome=AnswerOutcome.SOLVED, decided_at__gte=since).count()
