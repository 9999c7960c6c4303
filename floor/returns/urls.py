from django.urls import path

from floor.returns import report_views, views

app_name = "returns"
urlpatterns = [
    path("", views.inspect, name="inspect"),
    path("scan", views.scan, name="scan"),
    path("grade", views.grade, name="grade"),
    path("photo", views.photo_add, name="photo_add"),
    path("photo/<int:photo_id>", views.photo, name="photo"),
    path("undo", views.undo, name="undo"),
    path("review", views.review, name="review"),
    path("close", views.close, name="close"),
    path("approve", views.approve, name="approve"),
    path("unknown", views.unknown, name="unknown"),
    path("grades/", views.grades, name="grades"),
    path("returns/", report_views.report, name="report"),
    path("returns.csv", report_views.report_csv, name="report_csv"),
    path("returns/<int:item_id>/release", report_views.release, name="release"),
]
