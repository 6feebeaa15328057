import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_units_from_former_services")]

    operations = [
        migrations.RemoveField(
            model_name="cutoffrule",
            name="late_policy",
        ),
        migrations.AlterField(
            model_name="service",
            name="code",
            field=models.SlugField(
                blank=True,
                help_text="identifiant stable (lettres, chiffres, tirets) : l'import d'un catalogue s'y retrouve",
                max_length=60,
                unique=True,
                verbose_name="code",
            ),
        ),
        migrations.AddConstraint(
            model_name="cutoffrule",
            constraint=models.UniqueConstraint(
                fields=("service", "applies_to", "direction"),
                name="one_cutoff_per_unit_and_direction",
                nulls_distinct=False,
                violation_error_message="Cette unité a déjà un délai dans ce sens : modifiez-le.",
            ),
        ),
        migrations.AddConstraint(
            model_name="tariff",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("combination__isnull", True), ("unit__isnull", False)),
                    models.Q(("combination__isnull", False), ("unit__isnull", True)),
                    _connector="OR",
                ),
                name="tariff_prices_a_unit_or_a_combination",
                violation_error_message="Un tarif porte sur une unité ou sur une combinaison.",
            ),
        ),
        migrations.AddConstraint(
            model_name="serviceunit",
            constraint=models.UniqueConstraint(
                fields=("service", "code"),
                name="unit_code_unique_in_service",
                violation_error_message="Une autre unité de cette prestation a déjà ce code.",
            ),
        ),
        migrations.AddConstraint(
            model_name="unitcombination",
            constraint=models.UniqueConstraint(
                fields=("service", "code"),
                name="combination_code_unique_in_service",
                violation_error_message="Une autre combinaison de cette prestation a déjà ce code.",
            ),
        ),
    ]
