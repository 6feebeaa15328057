from django.urls import re_path
from rest_framework.routers import SimpleRouter

from catalog import api
from core.api import NotFoundView

# The API's convention (README, "The API"): no trailing slash, ids as integers in the path.
router = SimpleRouter(trailing_slash=False, use_regex_path=False)
router.register("services", api.ServiceViewSet, basename="service")
router.register("sites", api.SiteViewSet)
router.register("school-years", api.SchoolYearViewSet)
router.register("calendar-exceptions", api.CalendarExceptionViewSet)
router.register("booking-windows", api.BookingWindowViewSet)
router.register("capacity-overrides", api.CapacityOverrideViewSet)
router.register("age-group-capacities", api.AgeGroupCapacityViewSet)
router.register("units", api.ServiceUnitViewSet)
router.register("unit-combinations", api.UnitCombinationViewSet)
router.register("cutoff-rules", api.CutoffRuleViewSet)
router.register("tariffs", api.TariffViewSet)
router.register("tariff-brackets", api.TariffBracketViewSet)

urlpatterns = [*router.urls, re_path(r"^(?P<path>.*)$", NotFoundView.as_view(), name="api_catalog_not_found")]
