"""Waves, for supervisors: build, preview, release; the rules that build them on a schedule."""

from django.urls import path

from floor.picking import wave_views

app_name = "waves"
urlpatterns = [
    path("", wave_views.waves, name="waves"),
    path("new", wave_views.new_wave, name="new"),
    path("<int:wave_id>/", wave_views.wave, name="wave"),
    path("<int:wave_id>/release", wave_views.release, name="release"),
    path("<int:wave_id>/cancel", wave_views.cancel, name="cancel"),
    path("tasks/<int:task_id>/reassign", wave_views.reassign, name="reassign"),
    path("rules/", wave_views.rules, name="rules"),
    path("rules/new", wave_views.rule_form, name="rule_new"),
    path("rules/<int:rule_id>/", wave_views.rule_form, name="rule_edit"),
    path("rules/<int:rule_id>/toggle", wave_views.rule_toggle, name="rule_toggle"),
]
