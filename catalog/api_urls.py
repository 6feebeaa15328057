from rest_framework.routers import DefaultRouter

from catalog import api

# The issue spells /days without a trailing slash: accept both forms everywhere.
router = DefaultRouter()
router.trailing_slash = "/?"
router.register("services", api.ServiceViewSet, basename="service")
router.register("sites", api.SiteViewSet)
router.register("school-years", api.SchoolYearViewSet)
router.register("calendar-exceptions", api.CalendarExceptionViewSet)
router.register("booking-windows", api.BookingWindowViewSet)
router.register("capacity-overrides", api.CapacityOverrideViewSet)
router.register("age-group-capacities", api.AgeGroupCapacityViewSet)
router.register("cutoff-rules", api.CutoffRuleViewSet)
router.register("tariffs", api.TariffViewSet)
router.register("tariff-brackets", api.TariffBracketViewSet)

urlpatterns = router.urls
