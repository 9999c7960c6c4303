from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from floor.accounts import selectors, services
from floor.accounts.decorators import role_required
from floor.accounts.forms import LanguageForm
from floor.accounts.roles import Role


def badge_login(request):
    """Scan a badge, then type a PIN. Works without JavaScript: two plain form posts."""
    if request.user.is_authenticated:
        return redirect("home")
    context = {"step": "badge"}
    if request.method == "POST":
        badge, client = request.POST.get("badge", "").strip(), _client(request)
        if badge and services.device_throttled(client=client):
            return _throttled(request)
        profile = services.profile_for_badge(badge)
        # The PIN form carries the device's name on, so both steps count against the same device.
        pin_step = {"step": "pin", "badge": badge, "device": request.POST.get("device", "")}
        if profile is None:
            if badge:
                services.note_failed_sign_in(client=client, who=badge)
            context["error"] = _("Unknown badge — scan your own badge") if badge else _("Scan your badge")
        elif "pin" not in request.POST:
            context.update(pin_step, person=profile.user)
        else:
            user = authenticate(request, username=profile.user.get_username(), pin=request.POST["pin"])
            if user is not None:
                login(request, user, backend="floor.accounts.backends.BadgeBackend")
                return _after_sign_in(request)
            services.note_failed_sign_in(client=client, who=badge)
            context.update(pin_step, person=profile.user, error=_("Wrong PIN — try again"))
    status = 200 if "error" not in context else 400
    return render(request, "accounts/login.html", context, status=status)


def _after_sign_in(request):
    """Where `next` says, if it is a page of this site (checked as Django's LoginView does), else home."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(next_url) if next_url and safe else redirect("home")


def _client(request) -> str:
    """The device, as sign-in throttling tells devices apart: its address (as django-axes reads
    it) and the name scanner.js gives it, or its browser where it has none."""
    device = request.POST.get("device") or request.META.get("HTTP_USER_AGENT", "")
    return f"{get_client_ip_address(request)}|{device[:200]}"


def _throttled(request):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = _("Too many badges tried on this device — try again in %(n)s minutes") % {"n": minutes}
    return render(request, "accounts/login.html", {"step": "badge", "error": error}, status=429)


class PasswordLoginView(auth_views.LoginView):
    template_name = "accounts/login_password.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if services.device_throttled(client=_client(request)):
            return _throttled(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        # Usernames tried from one device count as its badges do.
        if username := self.request.POST.get("username", "").strip():
            services.note_failed_sign_in(client=_client(self.request), who=username)
        return super().form_invalid(form)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def language(request):
    form = LanguageForm(request.POST or None, instance=request.profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("home")
    return render(request, "accounts/language.html", {"form": form})


@require_GET
@role_required(Role.SUPERVISOR)
def locked(request):
    """People of the supervisor's warehouse locked out by wrong PINs, each with an Unlock button."""
    context = {
        "locked": selectors.locked_people(warehouse=request.warehouse),
        "unlocks": selectors.recent_unlocks(warehouse=request.warehouse),
        "no_warehouse": request.warehouse is None,
    }
    return render(request, "accounts/locked.html", context)


@require_POST
@role_required(Role.SUPERVISOR)
def unlock(request, person_id):
    if request.warehouse is None:
        raise Http404
    person = get_object_or_404(get_user_model(), pk=person_id, profile__warehouse=request.warehouse)
    name = person.get_full_name() or person.get_username()
    if services.unlock(person=person, by=request.user) is not None:
        messages.success(request, _("%(name)s is unlocked and can sign in") % {"name": name})
    else:
        messages.info(request, _("%(name)s was not locked any more") % {"name": name})
    return redirect("accounts:locked")


def locked_out(request, credentials, *args, **kwargs):
    """django-axes answers with this once a person has failed too often."""
    context = {
        "step": "badge",
        "error": _("Too many wrong tries — this login is locked. Ask a supervisor."),
    }
    return render(request, "accounts/login.html", context, status=429)
