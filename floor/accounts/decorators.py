from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from floor.accounts.roles import Role, has_role


def role_required(*roles: str):
    """Login, then one of `roles` (a supervisor passes every check)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                # Said on the 403 page (templates/403.html): whose page this is.
                who = dict.fromkeys([*roles, Role.SUPERVISOR])
                raise PermissionDenied(
                    _("This page is for: %(roles)s.") % {"roles": ", ".join(str(Role(r).label) for r in who)}
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
