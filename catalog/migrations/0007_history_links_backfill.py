"""Give every version written before links were tracked the links its record has now.

Until 0006 the history kept a record's own fields but not its many-to-many links (sectors,
regions, issuers, cases, a quote's subjects). What the links were at each earlier version is not
known; the best knowledge is that they are as they are now. Copying today's links into each
earlier version means the history shows no invented change for them, and restoring an earlier
version leaves them as they are, as it did before. Versions written from now on record their
links as they are at that moment.
"""

from collections import defaultdict

from django.db import migrations

TRACKED = {
    "Case": ("sectors", "regions"),
    "Company": ("sectors",),
    "Policy": ("issuers", "sectors", "regions", "cases"),
    "Quote": ("companies", "cases", "sectors", "policies"),
}


def copy_current_links(apps, schema_editor):
    for model_name, field_names in TRACKED.items():
        model = apps.get_model("catalog", model_name)
        versions = apps.get_model("catalog", f"Historical{model_name}")
        for name in field_names:
            field = model._meta.get_field(name)
            through = field.remote_field.through
            link_history = apps.get_model("catalog", f"Historical{model_name}_{name}")
            if link_history.objects.exists():
                continue  # already done: never copy twice
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            links = defaultdict(list)
            for link_id, source_id, target_id in through.objects.values_list(
                "id", f"{source}_id", f"{target}_id"
            ):
                links[source_id].append((link_id, target_id))
            rows = [
                link_history(
                    id=link_id,
                    history_id=history_id,
                    **{f"{source}_id": record_id, f"{target}_id": target_id},
                )
                for history_id, record_id in versions.objects.values_list("history_id", "id")
                for link_id, target_id in links.get(record_id, ())
            ]
            link_history.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_history_of_links"),
    ]

    operations = [
        migrations.RunPython(copy_current_links, migrations.RunPython.noop, elidable=True),
    ]
