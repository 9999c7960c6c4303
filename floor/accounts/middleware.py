from django.utils import translation

from floor.accounts.models import Profile


class FloorUserMiddleware:
    """Puts the person's profile and warehouse on the request, and speaks their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile = None
        request.warehouse = None
        user = request.user
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
        return self.get_response(request)
