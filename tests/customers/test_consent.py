"""Consent: what the customer agreed to, when and how; the newest decision per purpose holds, and
the channels respect it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Consent
from customers.services import consent_given, consent_record, consent_refused, consent_state
from tests.factories import CustomerFactory
from tests.tickets.test_phone import TOKEN, post_callback, twilio_callback
from tickets.models import Message


def test_the_newest_decision_per_purpose_holds_and_the_history_stays(db, ona):
    customer = CustomerFactory()
    consent_record(customer=customer, purpose="marketing", granted=True, source="portal")
    withdrawn = consent_record(customer=customer, purpose="marketing", granted=False, source="agent", by=ona)

    state = consent_state(customer)

    assert state["marketing"] == withdrawn and state["call_recording"] is None
    assert not consent_given(customer, "marketing") and consent_refused(customer, "marketing")
    assert not consent_given(customer, "processing") and not consent_refused(customer, "processing")
    assert Consent.objects.filter(customer=customer).count() == 2


def test_order_is_by_when_it_was_recorded(db):
    customer = CustomerFactory()
    consent_record(customer=customer, purpose="processing", granted=False, source="paper")
    Consent.objects.update(recorded_at=timezone.now() + timedelta(days=1))  # a signed form, dated later
    consent_record(customer=customer, purpose="processing", granted=True, source="email")

    assert consent_refused(customer, "processing")


@pytest.mark.parametrize(("purpose", "source"), [("newsletter", "portal"), ("marketing", "pigeon")])
def test_unknown_purposes_and_sources_are_refused(db, purpose, source):
    with pytest.raises(ValidationError):
        consent_record(customer=CustomerFactory(), purpose=purpose, granted=True, source=source)


def test_a_caller_who_refused_recording_has_no_recording_kept(client, settings, db):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    customer = CustomerFactory(phone="+37061234567")
    consent_record(customer=customer, purpose="call_recording", granted=False, source="phone")

    assert post_callback(client, twilio_callback()).status_code == 200

    call = Message.objects.get(channel="phone")
    assert call.ticket.requester == customer
    assert "RecordingUrl" not in str(call.metadata) and "recording_url" not in call.metadata["call"]
    assert "refused call recording" in call.body_text
