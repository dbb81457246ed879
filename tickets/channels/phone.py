"""The phone channel: calls logged from Twilio's status callbacks, and calls an agent logs by hand.

A call is a message: an incoming call becomes the customer's message on their open ticket (or a new
one), a call logged by an agent is an internal note. Both carry the call's facts in metadata["call"].
"""

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import ConsentPurpose
from customers.services import consent_refused, customer_find_or_create_by_phone
from helpdesk.models import User
from helpdesk.outbox import outbox_publish
from tickets.access import ensure_can_work
from tickets.channels.receive import receive_message
from tickets.models import Channel, Message, Ticket
from tickets.services.conversation import message_add

# CallStatus values after which the call is over (Twilio sends each at most once, but retries them).
FINAL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}
REQUIRED_PARAMS = ("CallSid", "From", "To", "CallStatus")
# Twilio's parameter -> our key in metadata["call"].
CALL_PARAMS = {
    "CallSid": "sid",
    "AccountSid": "account_sid",
    "From": "from",
    "To": "to",
    "CallStatus": "status",
    "Direction": "direction",
    "CallDuration": "duration_seconds",
    "RecordingUrl": "recording_url",
    "Digits": "digits",
    "Timestamp": "timestamp",
    "CallerName": "caller_name",
}
MAX_CALL_MINUTES = 600


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", gettext_lazy("Answered")
    VOICEMAIL = "voicemail", gettext_lazy("Voicemail")
    NO_ANSWER = "no_answer", gettext_lazy("No answer")
    BUSY = "busy", gettext_lazy("Busy")
    CALLBACK_PROMISED = "callback_promised", gettext_lazy("Callback promised")


class CallDirection(models.TextChoices):
    IN = "in", gettext_lazy("Incoming")
    OUT = "out", gettext_lazy("Outgoing")


def _duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


def _summary(call: dict) -> str:
    status = call["status"]
    if status == "completed":
        parts = [
            _("Call completed, %(duration)s.") % {"duration": _duration(call.get("duration_seconds", 0))}
        ]
    else:
        parts = [
            {
                "busy": _("Call not connected: the line was busy."),
                "no-answer": _("Call not answered."),
                "failed": _("Call failed."),
                "canceled": _("Call canceled before it was answered."),
            }[status]
        ]
    if call.get("digits"):
        parts.append(_("IVR choice: %(digits)s.") % {"digits": call["digits"]})
    if call.get("recording_url"):
        # The customer sees this text; the recording's address stays in the message's metadata.
        parts.append(_("The call was recorded."))
    elif call.get("recording_withheld"):
        parts.append(_("The customer refused call recording, so no recording was kept."))
    return " ".join(parts)


def _call_from_params(params: dict) -> dict:
    missing = [name for name in REQUIRED_PARAMS if not str(params.get(name, "")).strip()]
    if missing:
        raise ValidationError(_("Missing call parameters: %(names)s.") % {"names": ", ".join(missing)})
    call = {key: str(params[name]).strip() for name, key in CALL_PARAMS.items() if params.get(name)}
    if "duration_seconds" in call:
        try:
            call["duration_seconds"] = int(call["duration_seconds"])
        except ValueError:
            raise ValidationError(_("CallDuration must be a number of seconds.")) from None
        if call["duration_seconds"] < 0:
            raise ValidationError(_("CallDuration must be a number of seconds."))
    return call


@transaction.atomic
def call_log_from_twilio(params: dict) -> Message | None:
    """Log a finished call from Twilio's Voice status callback; None while the call is under way.

    Twilio retries a callback that failed or timed out, so a CallSid already logged returns its message.
    """
    call = _call_from_params(params)
    if call["status"] not in FINAL_STATUSES:
        return None  # queued, initiated, ringing, in-progress: the final callback will come
    message_id = f"twilio:{call['sid']}"
    if connection.vendor == "postgresql":
        # Two deliveries of the same callback at once: the second waits here, then finds the first's message.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [message_id])
    existing = Message.objects.filter(channel=Channel.PHONE, channel_message_id=message_id).first()
    if existing is not None:
        return existing
    outbound = call.get("direction") == "outbound-api"
    number = call["to"] if outbound else call["from"]
    # CallerName is Twilio's caller-ID lookup of From: it names the customer only on their own calls.
    customer = customer_find_or_create_by_phone(
        phone=number, name="" if outbound else call.get("caller_name", "")
    )
    if call.get("recording_url") and consent_refused(customer, ConsentPurpose.CALL_RECORDING):
        # The customer said no to recordings: we do not keep a link to one (delete it at Twilio too).
        call.pop("recording_url")
        call["recording_withheld"] = True
    subject = (_("Phone call to %(number)s") if outbound else _("Phone call from %(number)s")) % {
        "number": customer.phone
    }
    return receive_message(
        channel=Channel.PHONE,
        customer=customer,
        subject=subject,
        body=_summary(call),
        channel_message_id=message_id,
        metadata={"call": call},
        continue_open=True,
    )


@transaction.atomic
def call_log_manual(
    *, ticket: Ticket, by: User, direction: str, duration_minutes: int, outcome: str, note: str = ""
) -> Message:
    """An agent records a call they made or took, as an internal note on the ticket."""
    ensure_can_work(by, ticket)
    errors = {}
    if direction not in CallDirection.values:
        errors["direction"] = _("Choose whether the call was incoming or outgoing.")
    if not isinstance(duration_minutes, int) or not 0 <= duration_minutes <= MAX_CALL_MINUTES:
        errors["duration_minutes"] = _("The duration must be between 0 and %(max)d minutes.") % {
            "max": MAX_CALL_MINUTES
        }
    if outcome not in CallOutcome.values:
        errors["outcome"] = _("Choose the outcome of the call.")
    if errors:
        raise ValidationError(errors)
    summary = _("%(direction)s call, %(minutes)d min. Outcome: %(outcome)s.") % {
        "direction": CallDirection(direction).label,
        "minutes": duration_minutes,
        "outcome": CallOutcome(outcome).label,
    }
    note = note.strip()
    message = message_add(
        ticket=ticket,
        body=f"{summary}\n\n{note}" if note else summary,
        author_user=by,
        public=False,
        channel=Channel.PHONE,
        metadata={"call": {"direction": direction, "duration_minutes": duration_minutes, "outcome": outcome}},
    )
    outbox_publish(name="ticket.call_logged", payload={"ticket_id": ticket.pk, "message_id": message.pk})
    return message
