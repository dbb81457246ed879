"""The Django admin configures calendars, profiles and patterns; overlapping hours are refused."""

import pytest
from django.urls import reverse

from backoffice.rosters.models import BusinessCalendar
from tests.rosters.factories import agent

pytestmark = pytest.mark.django_db

MODELS = ["skill", "agentprofile", "businesscalendar", "shift", "shiftpattern", "timeoff"]


@pytest.fixture
def admin_client(client):
    client.force_login(agent("Adam Admin", role="admin"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_roster_model_has_an_admin_list_and_add_page(admin_client, model):
    assert admin_client.get(reverse(f"admin:rosters_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:rosters_{model}_add")).status_code == 200


def _calendar_post(hours):
    data = {
        "name": "Vilnius office",
        "time_zone": "Europe/Vilnius",
        "holiday_country": "LT",
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": "0",
        "closed_days-TOTAL_FORMS": "0",
        "closed_days-INITIAL_FORMS": "0",
        "extra_open_days-TOTAL_FORMS": "0",
        "extra_open_days-INITIAL_FORMS": "0",
    }
    for i, (weekday, opens, closes) in enumerate(hours):
        data |= {f"hours-{i}-weekday": weekday, f"hours-{i}-opens": opens, f"hours-{i}-closes": closes}
    return data


def test_a_calendar_with_overlapping_hours_is_refused(admin_client):
    url = reverse("admin:rosters_businesscalendar_add")
    response = admin_client.post(url, _calendar_post([(0, "08:00", "12:00"), (0, "11:00", "17:00")]))
    assert response.status_code == 200
    assert "Opening hours overlap: Monday 08:00–12:00 and Monday 11:00–17:00." in response.content.decode()
    assert not BusinessCalendar.objects.exists()
    response = admin_client.post(url, _calendar_post([(0, "08:00", "12:00"), (0, "13:00", "17:00")]))
    assert response.status_code == 302
    assert BusinessCalendar.objects.get().hours.count() == 2
