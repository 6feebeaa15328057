from django.urls import path

from accounts.views import ActivationView

urlpatterns = [
    path("activation/<str:uidb36>/<str:key>/", ActivationView.as_view(), name="account_activate"),
]
