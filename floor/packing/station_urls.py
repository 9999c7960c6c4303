"""Pack stations, carton types, labels and print jobs (supervisors; the preview for packers)."""

from django.urls import path

from floor.packing import station_views

app_name = "stations"
urlpatterns = [
    path("", station_views.stations, name="stations"),
    path("new", station_views.station_form, name="station_new"),
    path("<int:station_id>/", station_views.station_form, name="station_edit"),
    path("<int:station_id>/test-printer", station_views.test_printer, name="test_printer"),
    path("<int:station_id>/read-scale", station_views.read_scale, name="read_scale"),
    path("cartons/", station_views.carton_types, name="carton_types"),
    path("cartons/new", station_views.carton_type_form, name="carton_type_new"),
    path("cartons/<int:carton_type_id>/", station_views.carton_type_form, name="carton_type_edit"),
    path("cartons/<int:carton_type_id>/toggle", station_views.carton_type_toggle, name="carton_type_toggle"),
    path("jobs/", station_views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", station_views.job, name="job"),
    path("jobs/<int:job_id>/retry", station_views.retry, name="retry"),
    path("labels/<int:carton_id>/", station_views.label, name="label"),
]
