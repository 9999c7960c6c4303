from django.contrib.auth import get_user
from django.utils import translation

from floor.accounts.models import Profile


class FloorUserMiddleware:
    """Puts the person's profile and warehouse on the request, and speaks their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile = None
        request.warehouse = None
        # The person, read once, in place of the lazy stand-in AuthenticationMiddleware puts
        # there: a scan asks it for something a hundred times, each a detour through the proxy.
        user = request.user = get_user(request)
        if user.is_authenticated:
            try:
                profile = user.profile  # loaded with the user (FloorUsers.get_user)
            except Profile.DoesNotExist:
                profile = None
            if profile is not None:
                request.profile = profile
                request.warehouse = profile.warehouse
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        response = self.get_response(request)
        if request.method == "GET":
            # Whom the page was made for (after the view: a sign-in or sign-out changes it). The
            # service worker keeps a screen's copy for that person only (static/js/sw.js).
            person = request.user
            response.headers["Floor-Person"] = str(person.pk) if person.is_authenticated else "none"
        return response
