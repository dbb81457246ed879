"""Who may open which area. Anonymous visitors go to sign-in; a wrong role gets 403."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from helpdesk.models import BACKOFFICE_ROLES, DESK_ROLES, Role


def role_required(*roles: str) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


desk_required = role_required(*DESK_ROLES)
backoffice_required = role_required(*BACKOFFICE_ROLES)
customer_required = role_required(Role.CUSTOMER)
