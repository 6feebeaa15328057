"""URLs of the platform's root domain: vendor landing page and operator console."""

from django.urls import include, path
from django.views.i18n import set_language

from tenants import views
from tenants.views import healthz

urlpatterns = [
    path("", views.landing, name="landing"),
    path("console/", include("tenants.console_urls")),
    path("compte/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("langue/", set_language, name="set_language"),
]
