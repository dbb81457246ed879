from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.models import BACKOFFICE_ROLES, DESK_ROLES, Role

# (label, url name, roles that see it), in the order they appear in the top bar.
NAVIGATION = [
    (_("Desk"), "desk:home", DESK_ROLES),
    (_("Back office"), "backoffice:home", BACKOFFICE_ROLES),
    (_("My requests"), "portal:home", {Role.CUSTOMER}),
    (_("Administration"), "admin:index", {Role.ADMIN}),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = []
    for label, url_name, roles in NAVIGATION:
        if user.role in roles:
            url = reverse(url_name)
            items.append({"label": label, "url": url, "active": path.startswith(url)})
    return {"nav_items": items}
