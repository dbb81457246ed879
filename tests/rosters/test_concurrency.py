"""Two supervisors adding overlapping shifts for one agent at the same moment: exactly one wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from backoffice.rosters.models import Shift
from backoffice.rosters.services import shift_create
from tests.rosters.factories import agent, at, team_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers by itself")
def test_concurrent_overlapping_shifts_for_one_agent_leave_exactly_one():
    boss = agent("Aino Virtanen", role="supervisor")
    ona = agent("Ona Kazlauskaitė")
    team = team_of(ona)
    barrier = threading.Barrier(4)
    outcomes = []

    def add(hour: int) -> None:
        try:
            barrier.wait()
            shift_create(
                agent=ona, team=team, start=at(2026, 12, 1, hour), end=at(2026, 12, 1, hour + 6), by=boss
            )
            outcomes.append("added")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add, args=(8 + i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "refused", "refused", "refused"]
    assert Shift.objects.count() == 1
