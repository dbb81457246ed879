"""Customer satisfaction: the CSAT survey of a solved request and the periodic NPS question.

When a ticket is solved, its requester is offered a survey once (`satisfaction_offer`, from the outbox
on the notify queue) and emailed a link (`satisfaction_survey_send`, a task that sends at most once).
The link carries a signed token, so rating needs no sign-in; in the portal the request page asks too.
A rating publishes `csat.received`, which notifies the assignee. NPS is asked in the portal at most
once per NPS_INTERVAL_DAYS, a dismissal counting as asked.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import ConsentPurpose, Customer
from customers.services import consent_refused
from helpdesk.outbox import outbox_publish
from tickets.models import NpsResponse, SatisfactionRating, Status, Ticket, TicketType

SALT = "tickets.satisfaction"
RATEABLE = (Status.SOLVED, Status.CLOSED)
COMMENT_MAX = 2000


def satisfaction_token(rating: SatisfactionRating) -> str:
    return signing.dumps({"rating": rating.pk, "customer": rating.customer_id}, salt=SALT)


def rating_for_token(token: str) -> SatisfactionRating | None:
    """The survey a link belongs to, or None for a forged, mangled or expired link."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.CSAT_LINK_DAYS))
    except signing.BadSignature:
        return None
    return (
        SatisfactionRating.objects.select_related("ticket", "customer")
        .filter(pk=data.get("rating"), customer_id=data.get("customer"))
        .first()
    )


@transaction.atomic
def satisfaction_offer(*, ticket_id: int, now: datetime) -> SatisfactionRating | None:
    """Offer the survey of a solved ticket, once per ticket (solving it again offers nothing new)."""
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id, status__in=RATEABLE).first()
    # Tasks are the desk's own work (a callback's phone task, say): there is no service to rate yet.
    if ticket is None or ticket.type == TicketType.TASK or ticket.requester.erased_at is not None:
        return None
    rating, created = SatisfactionRating.objects.get_or_create(
        ticket=ticket, defaults={"customer": ticket.requester, "offered_at": now}
    )
    return rating if created else None


@transaction.atomic
def satisfaction_survey_send(*, rating_id: int) -> bool:
    """Email the survey link, at most once (a retried task finds it sent); False when not sent."""
    rating = (
        SatisfactionRating.objects.select_for_update().select_related("ticket", "customer").get(pk=rating_id)
    )
    customer = rating.customer
    if rating.emailed_at is not None or rating.good is not None or not customer.email:
        return False
    if consent_refused(customer, ConsentPurpose.SURVEYS):
        return False  # they said no to survey emails (their portal account page); the portal still asks
    url = settings.SITE_URL.rstrip("/") + reverse("portal:rate", args=[satisfaction_token(rating)])
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        context = {"ticket": rating.ticket, "customer": customer, "url": url, "days": settings.CSAT_LINK_DAYS}
        message = EmailMessage(
            subject=_("How did we do? Request #%(number)s") % {"number": rating.ticket_id},
            body=render_to_string("portal/emails/csat_survey.txt", context),
            to=[customer.email],
        )
    message.send()
    rating.emailed_at = timezone.now()
    rating.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def satisfaction_rate(
    *, rating: SatisfactionRating, good: bool, comment: str = "", now: datetime
) -> SatisfactionRating:
    """Record (or change) the customer's answer; the assignee hears of it."""
    rating = SatisfactionRating.objects.select_for_update().get(pk=rating.pk)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Please keep the comment under %(count)s characters.") % {"count": COMMENT_MAX}}
        )
    rating.good, rating.comment, rating.created_at = good, comment, now
    rating.save(update_fields=["good", "comment", "created_at"])
    outbox_publish(
        name="csat.received",
        payload={"ticket_id": rating.ticket_id, "rating_id": rating.pk, "good": good},
    )
    return rating


def rating_for_request(ticket: Ticket, customer: Customer, *, now: datetime) -> SatisfactionRating | None:
    """The request's survey for the portal page: only its requester rates, once it is solved (the
    survey is offered then, if the outbox has not done it yet)."""
    if ticket.requester_id != customer.pk or ticket.status not in RATEABLE:
        return None
    existing = SatisfactionRating.objects.filter(ticket=ticket).first()
    return existing or satisfaction_offer(ticket_id=ticket.pk, now=now)


def nps_due(customer: Customer, *, now: datetime) -> bool:
    """Ask only customers who have had a request solved, and not within NPS_INTERVAL_DAYS."""
    since = now - timedelta(days=settings.NPS_INTERVAL_DAYS)
    if NpsResponse.objects.filter(customer=customer, created_at__gte=since).exists():
        return False
    return Ticket.objects.filter(requester=customer, status__in=RATEABLE).exists()


@transaction.atomic
def nps_answer(*, customer: Customer, score: int | None, comment: str = "", now: datetime) -> NpsResponse:
    """Record an answer (0-10) or a dismissal (None); refused when one was given lately."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one answer at a time per customer
    since = now - timedelta(days=settings.NPS_INTERVAL_DAYS)
    if NpsResponse.objects.filter(customer=customer, created_at__gte=since).exists():
        raise ValidationError(_("You have already answered this question recently. Thank you!"))
    if score is not None and not 0 <= score <= 10:
        raise ValidationError({"score": _("Choose a number from 0 to 10.")})
    return NpsResponse.objects.create(
        customer=customer, score=score, comment=comment.strip()[:COMMENT_MAX], created_at=now
    )


def csat_summary(*, since: datetime, until: datetime) -> dict:
    """Answered ratings in a period: counts and the CSAT (share of good answers, in percent)."""
    counts = SatisfactionRating.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        good_count=Count("pk", filter=Q(good=True)), bad_count=Count("pk", filter=Q(good=False))
    )
    good, bad = counts["good_count"], counts["bad_count"]
    answered = good + bad
    return {
        "good": good,
        "bad": bad,
        "answered": answered,
        "csat": round(100 * good / answered) if answered else None,
    }


def nps_summary(*, since: datetime, until: datetime) -> dict:
    """NPS in a period: promoters (9-10) minus detractors (0-6), in percent of the scores given."""
    counts = NpsResponse.objects.filter(
        created_at__gte=since, created_at__lt=until, score__isnull=False
    ).aggregate(
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
        total=Count("pk"),
    )
    total = counts["total"]
    nps = round(100 * (counts["promoters"] - counts["detractors"]) / total) if total else None
    return {**counts, "nps": nps}
