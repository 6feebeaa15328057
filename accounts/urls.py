from django.urls import path

from accounts.views import ActivationView, account_settings

urlpatterns = [
    path("preferences/", account_settings, name="account_settings"),
    path("activation/<str:uidb36>/<str:key>/", ActivationView.as_view(), name="account_activate"),
]
