from types import SimpleNamespace

import pytest

from tests.rosters.factories import agent, team_of


@pytest.fixture
def crew(db):
    """Aino supervises, Bea is back-office staff, Adam admin; Ona and Jonas are agents of First line."""
    ona = agent("Ona Kazlauskaitė", skills=["billing"], languages=["lt", "en"])
    jonas = agent("Jonas Jonaitis")
    return SimpleNamespace(
        boss=agent("Aino Virtanen", role="supervisor"),
        clerk=agent("Bea Backoffice", role="backoffice"),
        admin=agent("Adam Admin", role="admin"),
        ona=ona,
        jonas=jonas,
        customer=agent("Cust Omer", role="customer"),
        team=team_of(ona, jonas),
    )
