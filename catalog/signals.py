from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from . import (
    chinese,
    search_index,  # noqa: F401 - its receivers (the search index after migrate)
)
from .cache import bump_catalogue_version
from .models import GlossaryEntry
from .models.common import Searchable
from .search import document, refresh_search_text


@receiver(pre_save)
def fill_search_text(sender, instance, **kwargs):
    """Keep each searchable row's normalised text current, on fixture loads (raw) too."""
    if isinstance(instance, Searchable):
        instance.search_text = document(instance.search_fields())


@receiver(post_save)
@receiver(post_delete)
def catalogue_row_changed(sender, using, **kwargs):
    """Any catalogue row saved or deleted (in the admin, by a fixture, in code): cached pages are
    stale once the transaction commits (catalog/cache.py)."""
    if sender._meta.app_label == "catalog":
        bump_catalogue_version(using)


@receiver(m2m_changed)
def catalogue_links_changed(sender, action, using, **kwargs):
    if action.startswith("post_") and sender._meta.app_label == "catalog":
        bump_catalogue_version(using)


@receiver(post_save, sender=GlossaryEntry)
@receiver(post_delete, sender=GlossaryEntry)
def glossary_changed(sender, using, raw=False, **kwargs):
    """A glossary entry written (in the admin, in code): pages read the glossary afresh, and every
    row's search text is computed again with it. A fixture load does the latter once, at its end
    (catalog/loading.py)."""
    chinese.forget_glossary()
    if not raw and not getattr(kwargs.get("instance"), "_loading", False):
        refresh_search_text(using)
