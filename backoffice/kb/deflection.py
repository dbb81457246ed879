"""Deflection: how often an article suggested on the portal's request form answered the question.

The request form suggests articles while the customer types a subject; opening one of them (the
`?from=request` marker) is recorded as a `SuggestionOpened`. When that visitor files a request within
PORTAL_DEFLECTION_MINUTES, the opening is marked as followed by a request; an opening that stays
unmarked once the window has passed counts as deflected: the visitor found an answer and left.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from backoffice.kb.models import ArticleTranslation, SuggestionOpened


def deflection_window() -> timedelta:
    return timedelta(minutes=settings.PORTAL_DEFLECTION_MINUTES)


def _visitor(user, session_key: str) -> Q | None:
    """Who the visitor is: their user (signed in) or their session, either one matching, because
    signing in gives an anonymous reader a new session key."""
    visitor = Q()
    if user is not None and getattr(user, "is_authenticated", False):
        visitor |= Q(user=user)
    if session_key:
        visitor |= Q(session_key=session_key)
    return visitor or None


@transaction.atomic
def suggestion_opened_record(
    *, translation: ArticleTranslation, user, session_key: str, now: datetime
) -> SuggestionOpened | None:
    """Note that a visitor opened a suggested article. Reloading it (or coming back to it from the
    form) within the window is the same opening, so the figure counts visitors' answers, not clicks."""
    visitor = _visitor(user, session_key)
    if visitor is None:
        return None  # nobody to follow up on: the opening could never be matched to a request
    recent = SuggestionOpened.objects.filter(
        visitor,
        translation=translation,
        request_filed_at__isnull=True,
        opened_at__gt=now - deflection_window(),
    )
    if recent.exists():
        return None
    signed_in = getattr(user, "is_authenticated", False)
    return SuggestionOpened.objects.create(
        translation=translation, user=user if signed_in else None, session_key=session_key, opened_at=now
    )


def deflection_request_filed(*, user, session_key: str, now: datetime) -> int:
    """The visitor filed a request after all: their openings of the last window did not answer it.
    Called by the portal when it files a request; returns how many openings were marked."""
    visitor = _visitor(user, session_key)
    if visitor is None:
        return 0
    # One conditional UPDATE: openings already marked keep the time of the first request.
    return SuggestionOpened.objects.filter(
        visitor, request_filed_at__isnull=True, opened_at__gt=now - deflection_window(), opened_at__lte=now
    ).update(request_filed_at=now)


class DeflectionRate(NamedTuple):
    opened: int
    deflected: int
    rate: float | None  # deflected / opened, None when nothing was opened

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def deflection_rate(*, since: datetime, until: datetime, now: datetime | None = None) -> DeflectionRate:
    """Suggested articles opened in [since, until) and how many were not followed by a request.
    Openings younger than the window are left out: their visitor may still file a request."""
    settled = min(until, (now or timezone.now()) - deflection_window())
    counts = SuggestionOpened.objects.filter(opened_at__gte=since, opened_at__lt=settled).aggregate(
        opened=Count("pk"), deflected=Count("pk", filter=Q(request_filed_at__isnull=True))
    )
    opened, deflected = counts["opened"], counts["deflected"]
    return DeflectionRate(opened=opened, deflected=deflected, rate=deflected / opened if opened else None)
