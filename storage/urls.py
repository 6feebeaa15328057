from django.urls import path

from storage import views

app_name = "storage"
urlpatterns = [
    path("<uuid:document_id>/", views.document_download, name="download"),
]
