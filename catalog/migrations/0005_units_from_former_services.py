from django.db import migrations


# What each former single-unit service sold, as its one unit: code, name and hours (CAF reports).
FORMER_UNITS = {
    "meal": ("repas", "Repas", "1.50"),
    "session": ("seance", "Séance", "1.00"),
    "half_day": ("demi-journee", "Demi-journée", "4.00"),
    "day": ("journee", "Journée", "8.00"),
    "hour": ("heure", "Heure", "1.00"),
}
# The former single late policy, as what happens online after the cutoff and what a late change costs.
FORMER_POLICIES = {
    "refuse": ("refuse", "normal"),
    "fixed_price": ("accept", "fixed"),
    "price_plus": ("accept", "plus"),
    "billed": ("accept", "normal"),
}


def give_each_service_its_unit(apps, schema_editor):
    """Existing services keep working: their unit becomes a row their tariffs price, each gets a stable
    code, and each cutoff rule says what it did in the two new terms."""
    from django.utils.text import slugify

    Service = apps.get_model("catalog", "Service")
    ServiceUnit = apps.get_model("catalog", "ServiceUnit")
    Tariff = apps.get_model("catalog", "Tariff")
    CutoffRule = apps.get_model("catalog", "CutoffRule")
    taken = set()
    for service in Service.objects.order_by("pk"):
        code = base = slugify(service.name)[:55] or f"prestation-{service.pk}"
        suffix = 2
        while code in taken:
            code, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(code)
        service.code = code
        service.save(update_fields=["code"])
        unit_code, name, hours = FORMER_UNITS[service.unit]
        unit = ServiceUnit.objects.create(service=service, code=unit_code, name=name, duration_hours=hours)
        Tariff.objects.filter(service=service).update(unit=unit)
    for rule in CutoffRule.objects.all():
        rule.online_after, rule.late_price = FORMER_POLICIES[rule.late_policy]
        rule.save(update_fields=["online_after", "late_price"])




class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_units_combinations_rules")]

    operations = [
        migrations.RunPython(give_each_service_its_unit, migrations.RunPython.noop),
    ]
