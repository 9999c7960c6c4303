from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from floor.accounts import services
from floor.accounts.forms import LanguageForm


def badge_login(request):
    """Scan a badge, then type a PIN. Works without JavaScript: two plain form posts."""
    if request.user.is_authenticated:
        return redirect("home")
    context = {"step": "badge"}
    if request.method == "POST":
        badge = request.POST.get("badge", "").strip()
        profile = services.profile_for_badge(badge)
        if profile is None:
            context["error"] = _("Unknown badge — scan your own badge") if badge else _("Scan your badge")
        elif "pin" not in request.POST:
            context.update(step="pin", badge=badge, person=profile.user)
        else:
            user = authenticate(request, username=profile.user.get_username(), pin=request.POST["pin"])
            if user is not None:
                login(request, user, backend="floor.accounts.backends.BadgeBackend")
                return redirect(request.GET.get("next") or "home")
            context.update(step="pin", badge=badge, person=profile.user, error=_("Wrong PIN — try again"))
    status = 200 if "error" not in context else 400
    return render(request, "accounts/login.html", context, status=status)


class PasswordLoginView(auth_views.LoginView):
    template_name = "accounts/login_password.html"
    redirect_authenticated_user = True


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


def locked_out(request, credentials, *args, **kwargs):
    """django-axes answers with this once a person has failed too often."""
    context = {
        "step": "badge",
        "error": _("Too many wrong tries — this login is locked. Ask a supervisor."),
    }
    return render(request, "accounts/login.html", context, status=429)
