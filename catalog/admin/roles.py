"""The Editors group: everything on catalogue content, nothing on users, groups or permissions.

Used by the data migration that creates the group and by ``manage.py add_editor``, which brings
the group's permissions up to date before adding someone to it. Both pass in the model classes
they work with (the migration's historical models, or the real ones).
"""

EDITORS_GROUP = "Editors"
EDITOR_APPS = ("catalog",)
HISTORY_PREFIX = "historical"


def editor_permissions(permission_model):
    """Add, change, delete and view every catalogue model; view (only) their history tables."""
    permissions = permission_model.objects.filter(content_type__app_label__in=EDITOR_APPS)
    return [
        permission
        for permission in permissions.select_related("content_type")
        if not permission.content_type.model.startswith(HISTORY_PREFIX)
        or permission.codename.startswith("view_")
    ]


def sync_editors_group(group_model, permission_model):
    """Create the Editors group if needed and give it exactly the editor permissions."""
    group, _created = group_model.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(editor_permissions(permission_model))
    return group
