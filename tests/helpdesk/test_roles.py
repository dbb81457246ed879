"""Roles: each lands on its own home, and may open only its own areas."""

import pytest
from django.contrib.auth.models import Group

from helpdesk.models import Role
from helpdesk.roles import role_of
from helpdesk.services import user_set_role
from tests.factories import PASSWORD

HOMES = {
    "alice": "/portal/",
    "ona": "/desk/",
    "aino": "/desk/",
    "piotr": "/backoffice/",
    "rasa": "/desk/",
}
# (persona, url, expected status) for every area.
ACCESS = [
    ("alice", "/portal/", 200),
    ("alice", "/desk/", 403),
    ("alice", "/backoffice/", 403),
    ("alice", "/admin/", 302),  # the admin site sends non-staff to its own login
    ("ona", "/desk/", 200),
    ("ona", "/backoffice/", 403),
    ("ona", "/portal/", 403),
    ("aino", "/desk/", 200),
    ("aino", "/backoffice/", 403),
    ("piotr", "/backoffice/", 200),
    ("piotr", "/desk/", 403),
    ("piotr", "/portal/", 403),
    ("rasa", "/desk/", 200),
    ("rasa", "/backoffice/", 200),
    ("rasa", "/admin/", 200),
]


@pytest.mark.parametrize(("persona", "home"), HOMES.items())
def test_each_role_lands_on_its_own_home_after_signing_in(client, request, persona, home):
    user = request.getfixturevalue(persona)

    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "url", "status"), ACCESS)
def test_each_role_opens_only_its_own_areas(client, request, persona, url, status):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == status


def test_a_customer_gets_a_friendly_403_page_not_an_error(client, alice):
    client.force_login(alice)

    response = client.get("/desk/")

    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


@pytest.mark.parametrize("url", ["/desk/", "/backoffice/", "/portal/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_root_sends_each_user_home(client, ona):
    assert client.get("/")["Location"] == "/accounts/login/"
    client.force_login(ona)
    assert client.get("/")["Location"] == "/desk/"


def test_role_of_tells_a_users_role(alice, rasa):
    from django.contrib.auth.models import AnonymousUser

    assert role_of(alice) == Role.CUSTOMER
    assert role_of(rasa) == Role.ADMIN
    assert role_of(AnonymousUser()) is None


def test_changing_a_role_moves_the_user_to_the_matching_group(ona):
    user_set_role(user=ona, role=Role.SUPERVISOR)

    assert list(ona.groups.values_list("name", flat=True)) == ["role:supervisor"]
    assert ona.has_perm("helpdesk.view_outboxevent")
    assert not ona.is_staff


def test_only_admins_get_the_admin_site(ona):
    user_set_role(user=ona, role=Role.ADMIN)
    assert ona.is_staff and ona.is_superuser

    user_set_role(user=ona, role=Role.AGENT)
    assert not ona.is_staff and not ona.is_superuser


def test_an_unknown_role_is_refused_and_changes_nothing(ona):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_set_role(user=ona, role="wizard")

    ona.refresh_from_db()
    assert ona.role == Role.AGENT


def test_every_role_has_a_permission_group_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {f"role:{role}" for role in Role.values}


def test_role_changes_are_published_as_events(ona):
    from helpdesk.models import OutboxEvent

    user_set_role(user=ona, role=Role.SUPERVISOR)

    event = OutboxEvent.objects.filter(name="user.role_changed").latest("id")
    assert event.payload == {"user_id": ona.pk, "old": "agent", "new": "supervisor"}
