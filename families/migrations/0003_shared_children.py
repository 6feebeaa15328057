"""A child may belong to two households: the household foreign key becomes a link table.

Pick-up persons stay with the household that recorded them; one pending request of each kind.
"""

import django.db.models.deletion
from django.db import migrations, models


def links_from_households(apps, schema_editor):
    Child = apps.get_model("families", "Child")
    ChildHousehold = apps.get_model("families", "ChildHousehold")
    ChildHousehold.objects.bulk_create(
        ChildHousehold(child_id=pk, household_id=household_id)
        for pk, household_id in Child.objects.values_list("pk", "household_id")
    )
    PickupPerson = apps.get_model("families", "PickupPerson")
    for person in PickupPerson.objects.select_related("child"):
        person.household_id = person.child.household_id
        person.save(update_fields=["household"])


class Migration(migrations.Migration):
    dependencies = [("families", "0002_dossiers")]

    operations = [
        migrations.CreateModel(
            name="ChildHousehold",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("linked", models.DateTimeField(auto_now_add=True, verbose_name="rattaché le")),
                (
                    "child",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="links", to="families.child"
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="child_links",
                        to="families.household",
                    ),
                ),
            ],
            options={
                "verbose_name": "rattachement d'un enfant à un foyer",
                "verbose_name_plural": "rattachements des enfants aux foyers",
                "constraints": [
                    models.UniqueConstraint(fields=("child", "household"), name="one_link_per_child_and_household")
                ],
            },
        ),
        migrations.AddField(
            model_name="pickupperson",
            name="household",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pickup_persons",
                to="families.household",
            ),
        ),
        migrations.RunPython(links_from_households, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="pickupperson",
            name="household",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="pickup_persons", to="families.household"
            ),
        ),
        migrations.RemoveField(model_name="child", name="household"),
        migrations.AddField(
            model_name="child",
            name="households",
            field=models.ManyToManyField(
                related_name="children", through="families.ChildHousehold", to="families.household"
            ),
        ),
        migrations.AddConstraint(
            model_name="changerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ["household", "qf", "residence"]), ("status", "pending")),
                fields=("household", "kind"),
                name="one_pending_request_of_each_kind",
            ),
        ),
    ]
