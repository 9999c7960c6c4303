from django.urls import path

from floor.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.badge_login, name="login"),
    path("login/password/", views.PasswordLoginView.as_view(), name="login_password"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language, name="language"),
    path("locked/", views.locked, name="locked"),
    path("locked/<int:person_id>/unlock/", views.unlock, name="unlock"),
]
