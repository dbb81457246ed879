from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self) -> None:
        from helpdesk.roles import sync_role_groups

        # Every app's `handlers` module registers its outbox handlers (see helpdesk/outbox.py).
        autodiscover_modules("handlers")
        for module in settings.OUTBOX_HANDLER_MODULES:
            __import__(module)
        # Role groups and their permissions follow the code after every migrate.
        post_migrate.connect(sync_role_groups, sender=self)
