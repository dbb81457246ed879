"""The base UI: security headers, static assets, no inline script, health."""

import re

import pytest

from tests.processes import ROOT


def test_pages_carry_a_content_security_policy_without_inline_script(client, db):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"<style\b|\sstyle=", text):
            offenders.append(f"{template}: inline style")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: inline event handler")

    assert offenders == []


def test_htmx_is_served_from_static_with_its_version_in_the_name(client, ona):
    client.force_login(ona)

    page = client.get("/desk/").content.decode()
    src = re.search(r'src="(/static/js/htmx-(\d+\.\d+\.\d+)\.min\.js)"', page)

    assert src, "the base template loads the vendored htmx"
    assert (ROOT / "static" / "js" / f"htmx-{src.group(2)}.min.js").exists()


@pytest.mark.parametrize("persona", ["ona", "aino", "piotr", "alice", "rasa"])
def test_the_navigation_shows_each_role_its_own_areas(client, request, persona):
    expected = {
        "ona": ["/desk/"],
        "aino": ["/desk/"],
        "piotr": ["/backoffice/"],
        "alice": ["/portal/"],
        "rasa": ["/desk/", "/backoffice/", "/admin/"],
    }[persona]
    user = request.getfixturevalue(persona)
    client.force_login(user)

    page = client.get(user.home_url()).content.decode()
    nav = re.search(r'<nav class="nav".*?</nav>', page, re.S).group(0)

    assert re.findall(r'href="([^"]+)"', nav) == expected


def test_supervisors_see_the_state_of_background_processing(client, aino, ona):
    client.force_login(aino)
    assert b"Background processing" in client.get("/desk/").content

    client.force_login(ona)
    assert b"Background processing" not in client.get("/desk/").content


@pytest.mark.parametrize(("persona", "limit"), [("aino", 20), ("piotr", 6), ("alice", 6)])
def test_the_home_pages_run_a_bounded_number_of_queries(
    client, request, persona, limit, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.get(user.home_url())  # a customer's first visit links their customer record once

    with django_assert_max_num_queries(limit):
        assert client.get(user.home_url()).status_code == 200


def test_health_reports_every_part(client, db):
    response = client.get("/health/")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["outbox_oldest_pending_seconds"] == 0


def test_health_answers_503_when_the_broker_is_down(client, db, monkeypatch):
    from kombu import Connection

    from helpdesk import views

    # A real connection attempt, to a port where no broker listens.
    monkeypatch.setattr(views.celery_app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_unknown_pages_get_a_finished_404(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
