from django.urls import include, path

from floor import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("accounts/", include("floor.accounts.urls")),
    path("scan/", include("floor.scanning.urls")),
    path("warehouse/", include("floor.demo.urls")),  # label sheets, at the address they have always had
    path("move/", include("floor.transfers.urls")),
    path("count/", include("floor.counting.urls")),
    path("receive/", include("floor.receiving.urls")),
    path("putaway/", include("floor.putaway.urls")),
    path("pick/", include("floor.picking.urls")),
    path("waves/", include("floor.picking.wave_urls")),
    path("pack/", include("floor.packing.urls")),
    path("inspect/", include("floor.returns.urls")),
    path("stations/", include("floor.packing.station_urls")),
    path("odoo/", include("floor.odoo.urls")),
    path("dashboard/", include("floor.dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
