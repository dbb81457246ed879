"""The customer's side of the answer bot: did an article solve the request? (no account needed; the
link's signed token says which reply it is about)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tickets.rules.answer_bot import answer_bot_feedback, reply_for_token


def answer_feedback(request: HttpRequest, token: str) -> HttpResponse:
    reply = reply_for_token(token)
    if reply is None:
        raise Http404
    context = {"reply": reply, "choice": request.GET.get("choice", ""), "recorded": None}
    if request.method == "POST" and request.POST.get("choice") in ("solved", "help"):
        solved = request.POST["choice"] == "solved"
        context["recorded"] = answer_bot_feedback(reply=reply, solved=solved)
        context["choice"] = request.POST["choice"]
        reply.refresh_from_db()
    return render(request, "tickets/answer_feedback.html", context)
