"""URLs of a commune's portal (any host the Domain table maps to a commune)."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views
from tenants.views import healthz
from theming import views as theming_views

urlpatterns = [
    path("", theming_views.home, name="home"),
    path("logo", theming_views.logo, name="branding_logo"),
    path("compte/", include("accounts.urls")),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("gestion/catalogue/", include("catalog.urls")),
    path("gestion/equipe/", account_views.team, name="team"),
    path("documents/", include("storage.urls")),
    path("famille/", include("families.urls")),
    path("gestion/familles/", include("families.staff_urls")),
    path("famille/", include("reservations.urls")),
    path("gestion/inscriptions/", include("reservations.staff_urls")),
    path("api/v1/catalog/", include("catalog.api_urls")),
    path("api/v1/families/", include("families.api_urls")),
    path("api/v1/reservations/", include("reservations.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("healthz", healthz, name="healthz"),
    path("langue/", set_language, name="set_language"),
]
