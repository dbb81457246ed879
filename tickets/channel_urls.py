from django.urls import path

from tickets.views import channels

app_name = "channels"
urlpatterns = [
    path("email/<slug:mailbox>/", channels.email_inbound, name="email_inbound"),
    path("twilio/voice/", channels.twilio_voice, name="twilio_voice"),
    path("social/<slug:account>/", channels.social_inbound, name="social_inbound"),
]
