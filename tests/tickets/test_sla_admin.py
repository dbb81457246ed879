"""SLA policies are configured in the admin: conditions as checkboxes, at least one target."""

from django.urls import reverse

from tickets.models import SlaEvent, SlaPolicy


def test_an_admin_creates_a_policy_with_ticked_conditions(client, rasa):
    client.force_login(rasa)

    response = client.post(
        reverse("admin:tickets_slapolicy_add"),
        {
            "name": "VIP",
            "position": 0,
            "active": "on",
            "priorities": ["high", "urgent"],
            "support_tiers": ["enterprise"],
            "first_response_minutes": 30,
            "warning_percent": 80,
            "pause_statuses": ["pending"],
            "business_hours": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SlaPolicy.objects.get(name="VIP")
    assert (policy.priorities, policy.support_tiers, policy.channels) == (
        ["high", "urgent"],
        ["enterprise"],
        [],
    )
    assert policy.pause_statuses == ["pending"]


def test_a_policy_without_any_target_is_refused_and_nothing_is_saved(client, rasa):
    client.force_login(rasa)

    response = client.post(
        reverse("admin:tickets_slapolicy_add"), {"name": "Empty", "position": 0, "warning_percent": 80}
    )

    assert response.status_code == 200
    assert "Set at least one target." in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_fired_events_are_read_only_in_the_admin(client, rasa):
    client.force_login(rasa)

    assert client.get(reverse("admin:tickets_slaevent_changelist")).status_code == 200
    assert client.get(reverse("admin:tickets_slaevent_add")).status_code == 403
    assert not SlaEvent.objects.exists()
