"""URLs of the platform's root domain: vendor landing page and operator console."""

from django.urls import include, path

from tenants import views
from tenants.views import healthz

urlpatterns = [
    path("", views.landing, name="landing"),
    path("console/", include("tenants.console_urls")),
    path("compte/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
]
