"""The public contact form: anyone may write to support without an account (the web channel).

It can be embedded in a company's own site with an <iframe> (CONTACT_FORM_FRAME_ANCESTORS).
Spam is kept out with a honeypot field that people do not see and a limit per address.
"""

import logging

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from customers.services import customer_find_or_create
from helpdesk.lib.limits import client_address, limit_exceeded
from tickets.channels.receive import receive_message
from tickets.models import Channel

log = logging.getLogger(__name__)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"))
    subject = forms.CharField(label=_("Subject"), max_length=250)
    message = forms.CharField(
        label=_("How can we help?"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    # The honeypot: hidden from people by CSS, filled in by bots that fill in everything.
    website = forms.CharField(required=False, label=_("Leave this empty"))


def too_many_from_address(
    request: HttpRequest, *, scope: str = "contact-form", rate: int | None = None, window: int | None = None
) -> bool:
    """A fixed window per address and scope: `rate` requests per `window` seconds, by default
    CONTACT_FORM_RATE per CONTACT_FORM_WINDOW (the anonymous ways in: this form, starting a chat)."""
    rate = rate or settings.CONTACT_FORM_RATE
    window = window or settings.CONTACT_FORM_WINDOW
    return limit_exceeded(f"{scope}:{client_address(request)}", rate=rate, window=window)


# No CSRF token: the form is anonymous (there is no session to ride on), and a token cookie would not
# reach a form embedded in another site's iframe. The honeypot and the rate limit guard it instead.
@csrf_exempt
@xframe_options_exempt
@csp_replace({"frame-ancestors": settings.CONTACT_FORM_FRAME_ANCESTORS})
def contact_form(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method != "POST":
        return render(request, "tickets/contact.html", {"form": form})
    if too_many_from_address(request):
        form.add_error(None, _("Too many messages from your address. Please try again in a few minutes."))
        return render(request, "tickets/contact.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "tickets/contact.html", {"form": form}, status=400)
    data = form.cleaned_data
    if data["website"]:
        log.info("Contact form: honeypot filled from %s, nothing filed.", client_address(request))
        return render(request, "tickets/contact_sent.html", {"number": None})
    customer = customer_find_or_create(email=data["email"], name=data["name"])
    message = receive_message(
        channel=Channel.WEB,
        customer=customer,
        subject=data["subject"],
        body=data["message"],
        metadata={"via": "contact form"},
    )
    return render(request, "tickets/contact_sent.html", {"number": message.ticket_id})
