"""Back office: teams of agents (rosters, skills and shifts build on this)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )
    # The team's lead (usually a supervisor); rosters show them first and routing may escalate to them.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        related_name="led_teams",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
