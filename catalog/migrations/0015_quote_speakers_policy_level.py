"""A statement the source gives to several people at once is one record: its first person, the
others it is also attributed to, and the speakers as the source words them. A policy's level may
be left empty when the source does not give it.

The catalogue stored one such sentence (「在…劉世錦,…賈康等多位專家看來,…」) twice, once per
person; the fixture loader adds and updates rows but never deletes one, so a database loaded before
keeps the second copy unless this migration folds it into the first. It does nothing when either
copy is missing or their texts differ (a fresh database, or one an editor changed).
"""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models

SHARED = "liu-shijin-01"
DUPLICATE = "jia-kang-01"


def merge_the_shared_statement(apps, schema_editor):
    Quote = apps.get_model("catalog", "Quote")
    shared = Quote.objects.filter(ref=SHARED).first()
    duplicate = Quote.objects.filter(ref=DUPLICATE).first()
    if shared is None or duplicate is None or shared.text_zh != duplicate.text_zh:
        return
    shared.also_attributed.add(duplicate.person_id)
    shared.speakers_zh = "劉世錦、賈康等多位專家"
    shared.speakers_en = "Liu Shijin, Jia Kang and other experts"
    shared.save(update_fields=["speakers_zh", "speakers_en"])
    duplicate.delete()  # its citation goes with it


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_source_chinese_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalquote",
            name="speakers_en",
            field=models.CharField(blank=True, max_length=250, verbose_name="speakers (English)"),
        ),
        migrations.AddField(
            model_name="historicalquote",
            name="speakers_zh",
            field=models.CharField(
                blank=True,
                help_text="For a statement of several people, for example 劉世錦、賈康等多位專家.",
                max_length=200,
                verbose_name="speakers as the source words them",
            ),
        ),
        migrations.AddField(
            model_name="quote",
            name="also_attributed",
            field=models.ManyToManyField(
                blank=True,
                help_text="When the source gives one statement to several people at once: the others, besides the first person. It shows on each of their pages.",
                related_name="shared_quotes",
                to="catalog.person",
                verbose_name="also attributed to",
            ),
        ),
        migrations.AddField(
            model_name="quote",
            name="speakers_en",
            field=models.CharField(blank=True, max_length=250, verbose_name="speakers (English)"),
        ),
        migrations.AddField(
            model_name="quote",
            name="speakers_zh",
            field=models.CharField(
                blank=True,
                help_text="For a statement of several people, for example 劉世錦、賈康等多位專家.",
                max_length=200,
                verbose_name="speakers as the source words them",
            ),
        ),
        migrations.AlterField(
            model_name="historicalpolicy",
            name="level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("national", "National"),
                    ("provincial", "Provincial"),
                    ("municipal", "Municipal"),
                    ("district", "District or county"),
                ],
                db_index=True,
                help_text="Left empty when the source does not say who issued it or at what level.",
                max_length=12,
                verbose_name="level",
            ),
        ),
        migrations.AlterField(
            model_name="policy",
            name="level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("national", "National"),
                    ("provincial", "Provincial"),
                    ("municipal", "Municipal"),
                    ("district", "District or county"),
                ],
                db_index=True,
                help_text="Left empty when the source does not say who issued it or at what level.",
                max_length=12,
                verbose_name="level",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalQuote_also_attributed",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="catalog.historicalquote",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.person",
                    ),
                ),
                (
                    "quote",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.quote",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalQuote_also_attributed",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(merge_the_shared_statement, migrations.RunPython.noop),
    ]
