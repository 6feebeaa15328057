from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_home, name="home"),
    path("prestations/nouvelle/", views.service_edit, name="service_create"),
    path("prestations/<int:service_id>/", views.service_detail, name="service_detail"),
    path("prestations/<int:service_id>/modifier/", views.service_edit, name="service_edit"),
    path("prestations/<int:service_id>/supprimer/", views.service_delete, name="service_delete"),
    path("prestations/<int:service_id>/calendrier/", views.service_calendar, name="service_calendar"),
    path("prestations/<int:service_id>/tarifs/nouveau/", views.tariff_edit, name="tariff_create"),
    path("prestations/<int:service_id>/tarifs/<int:pk>/", views.tariff_edit, name="tariff_edit"),
    path("prestations/<int:service_id>/tarifs/<int:pk>/supprimer/", views.tariff_delete, name="tariff_delete"),
    path("prestations/<int:service_id>/<slug:section>/nouveau/", views.entry_edit, name="service_entry_create"),
    path("prestations/<int:service_id>/<slug:section>/<int:pk>/", views.entry_edit, name="service_entry_edit"),
    path(
        "prestations/<int:service_id>/<slug:section>/<int:pk>/supprimer/",
        views.entry_delete,
        name="service_entry_delete",
    ),
    path("<slug:section>/nouveau/", views.entry_edit, name="entry_create"),
    path("<slug:section>/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("<slug:section>/<int:pk>/supprimer/", views.entry_delete, name="entry_delete"),
]
