from django.urls import path

from tenants import console

app_name = "console"
urlpatterns = [
    path("", console.commune_list, name="commune_list"),
    path("communes/nouvelle/", console.commune_onboard_view, name="commune_onboard"),
    path("communes/<slug:slug>/catalogue/", console.commune_catalog, name="commune_catalog"),
    path("communes/<slug:slug>/catalogue/export/", console.commune_catalog_export, name="commune_catalog_export"),
    path("communes/<slug:slug>/<str:action>/", console.commune_status_view, name="commune_status"),
]
