"""TreeMembership keyed by its (relation, node, member) pair instead of an id: the table is made
again (it is derived from the links) and filled."""

import django.db.models.fields.composite
from django.db import migrations, models


def fill(apps, schema_editor):
    """Fill the table from the links already in the database."""
    from catalog import tree_index

    tree_index.rebuild(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0017_case_type_pictured"),
    ]

    operations = [
        migrations.DeleteModel(name="TreeMembership"),
        migrations.CreateModel(
            name="TreeMembership",
            fields=[
                (
                    "pk",
                    django.db.models.fields.composite.CompositePrimaryKey(
                        "relation",
                        "node",
                        "member",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("relation", models.PositiveSmallIntegerField()),
                ("node", models.IntegerField()),
                ("member", models.IntegerField()),
            ],
            options={
                "default_manager_name": "objects",
                "default_permissions": (),
                "indexes": [
                    models.Index(
                        fields=["relation", "member", "node"], name="catalog_tree_member_node"
                    ),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
