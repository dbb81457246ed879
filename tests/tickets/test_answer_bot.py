"""The answer bot: public articles in the customer's language, "this solved it" solves the ticket and
counts as a deflection, "I still need help" keeps it with the team."""

import re

from django.urls import reverse
from django.utils import timezone

from backoffice.kb.models import Article, ArticleTranslation
from backoffice.kb.search import index_translation
from tests.factories import CustomerFactory, make_ticket
from tests.tickets.helpers import events
from tickets.models import AnswerBotReply, Message, Rule, RuleFiring, Ticket
from tickets.rules.answer_bot import deflections
from tickets.rules.engine import rules_run


def article(author, language, title, body, *, visibility="public", status="published"):
    translation = ArticleTranslation.objects.create(
        article=Article.objects.create(author=author, visibility=visibility),
        language=language,
        title=title,
        slug=re.sub(r"\W+", "-", title.lower()).strip("-"),
        body_html=f"<p>{body}</p>",
        body_text=body,
        status=status,
        published_at=timezone.now(),
    )
    index_translation(translation)
    return translation


def run(ticket) -> dict:
    Rule.objects.get_or_create(name="Answer bot", trigger="created", answer_with_articles=True)
    rules_run(ticket_id=ticket.pk, trigger="created", occasion="created", now=timezone.now())
    return RuleFiring.objects.get(ticket=ticket).changes


def bot_message(ticket) -> Message:
    return Message.objects.get(ticket=ticket, metadata__answer_bot__isnull=False, public=True)


def test_it_answers_with_the_best_public_articles_in_the_customers_language(db, piotr):
    article(piotr, "lt", "Kaip iš naujo paleisti maršrutizatorių", "Išjunkite maršrutizatorių ir palaukite")
    article(piotr, "lt", "Sąskaitos apmokėjimas", "Apmokėti sąskaitą galite banku")
    article(piotr, "lt", "Vidinė instrukcija maršrutizatorius", "Tik agentams", visibility="internal")
    article(piotr, "en", "How to restart the router", "Switch the router off and wait")
    ticket = make_ticket(
        requester=CustomerFactory(language="lt"), subject="Neveikia maršrutizatorių", body="Kaip paleisti?"
    )

    changes = run(ticket)

    assert changes["articles"] == ["Kaip iš naujo paleisti maršrutizatorių"]
    body = bot_message(ticket).body_text
    assert "Kaip iš naujo paleisti maršrutizatorių: http" in body
    assert "/answers/" in body and "choice=solved" in body and "choice=help" in body
    assert "Vidinė" not in body  # internal articles never go to customers
    assert len(events("ticket.auto_replied")) == 1


def test_without_a_match_in_the_customers_language_it_falls_back_to_english(db, piotr):
    article(piotr, "en", "How to restart the router", "Switch the router off and wait")
    ticket = make_ticket(requester=CustomerFactory(language="fi"), subject="Router restart")

    assert run(ticket)["articles"] == ["How to restart the router"]


def test_no_matching_article_means_no_reply(db, piotr):
    article(piotr, "en", "Invoices", "Pay by bank transfer")
    ticket = make_ticket(subject="Printer smokes")

    assert "articles_refused" in run(ticket)
    assert not Message.objects.filter(ticket=ticket, metadata__answer_bot__isnull=False).exists()


def feedback_link(ticket, choice: str) -> str:
    """The link's path, as the customer's browser would open it."""
    return re.search(rf"/answers/[^\s?]+/\?choice={choice}", bot_message(ticket).body_text).group(0)


def test_this_solved_it_solves_the_ticket_once_and_counts_as_deflection(client, db, piotr):
    article(piotr, "en", "How to restart the router", "Switch the router off and wait")
    ticket = make_ticket(subject="Router restart")
    run(ticket)
    link = feedback_link(ticket, "solved")

    page = client.get(link)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and Ticket.objects.get(pk=ticket.pk).status == "new"
    client.post(link, {"choice": "solved"})
    again = client.post(link, {"choice": "help"})

    assert Ticket.objects.get(pk=ticket.pk).status == "solved"
    assert AnswerBotReply.objects.get().outcome == "solved"
    assert "Your request is solved" in again.content.decode()
    assert deflections(timezone.now() - timezone.timedelta(hours=1)) == 1


def test_still_need_help_keeps_the_ticket_in_the_queue_with_a_note(client, db, piotr):
    article(piotr, "en", "How to restart the router", "Switch the router off and wait")
    ticket = make_ticket(subject="Router restart")
    run(ticket)

    client.post(feedback_link(ticket, "help"), {"choice": "help"})

    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert AnswerBotReply.objects.get().outcome == "needs_help"
    assert Message.objects.filter(ticket=ticket, public=False, metadata__answer_bot__isnull=False).exists()


def test_a_forged_or_altered_link_is_not_found(client, db):
    assert client.get(reverse("answer_feedback", args=["not-a-token"])).status_code == 404
    forged = reverse("answer_feedback", args=["eyJyZXBseSI6MX0:abc:def"])
    assert client.post(forged, {"choice": "solved"}).status_code == 404
