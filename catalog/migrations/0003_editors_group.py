"""Create the Editors group with every catalogue permission and none on users or groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from catalog.admin.roles import EDITORS_GROUP, sync_editors_group


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        # create_permissions skips an app without models_module (as a migration's app states
        # are); the previous value is put back, since ``apps`` may be the live registry.
        previous = getattr(app_config, "models_module", None)  # a migration's stub has none
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = previous
    sync_editors_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0002_validators_and_protect"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
