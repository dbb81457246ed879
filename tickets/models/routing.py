"""What automatic assignment remembers: each agent's last assignment per team (the round-robin
tie-break). See tickets/routing/."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentTurn(models.Model):
    team = models.ForeignKey("backoffice.Team", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_assigned_at = models.DateTimeField()

    class Meta:
        verbose_name = _("assignment turn")
        verbose_name_plural = _("assignment turns")
        constraints = [models.UniqueConstraint(fields=["team", "agent"], name="one_turn_per_team_agent")]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.agent_id} {self.last_assigned_at:%Y-%m-%d %H:%M}"
