from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import (
    chinese,
    search_index,  # noqa: F401 - its receivers (the search index after migrate)
)
from .cache import bump_catalogue_version
from .models import GlossaryEntry
from .models.common import Searchable
from .search import document, normalise, refresh_search_text


@receiver(pre_save)
def fill_search_text(sender, instance, **kwargs):
    """Keep each searchable row's normalised text current, on fixture loads (raw) too."""
    if isinstance(instance, Searchable):
        instance.search_text = document(instance.search_fields())


@receiver(post_save)
@receiver(post_delete)
def catalogue_row_changed(sender, using, **kwargs):
    """Any catalogue row saved or deleted (in the admin, by a fixture, in code): cached pages are
    stale once the transaction commits (catalog/cache.py). Rows no page shows (readers' error
    reports, ``private_to_editors``) leave the cache alone."""
    model = getattr(sender, "instance_type", sender)  # a version's own record
    if sender._meta.app_label == "catalog" and not getattr(model, "private_to_editors", False):
        bump_catalogue_version(using)


@receiver(m2m_changed)
def catalogue_links_changed(sender, action, using, **kwargs):
    if action.startswith("post_") and sender._meta.app_label == "catalog":
        bump_catalogue_version(using)


@receiver(pre_save, sender=GlossaryEntry)
@receiver(pre_delete, sender=GlossaryEntry)
def glossary_changing(sender, instance, raw=False, **kwargs):
    """What the rows holding the entry's wording have in their search text now, before the change:
    the words to find them by afterwards."""
    if raw or getattr(instance, "_loading", False):
        return
    sources = {instance.source}
    if instance.pk is not None:
        sources |= set(sender._base_manager.filter(pk=instance.pk).values_list("source", flat=True))
    instance._search_words = {normalise(source) for source in sources if source}


@receiver(post_save, sender=GlossaryEntry)
@receiver(post_delete, sender=GlossaryEntry)
def glossary_changed(sender, instance, using, raw=False, **kwargs):
    """A glossary entry written (in the admin, in code): pages read the glossary afresh, and the
    rows holding its wording get their search text computed with it. A fixture load does that
    once, at its end (catalog/loading.py)."""
    chinese.forget_glossary()
    words = getattr(instance, "_search_words", None)
    if raw or getattr(instance, "_loading", False) or words is None:
        return
    words = {word for word in words | {normalise(instance.source)} if word}
    if words:
        refresh_search_text(using, containing=sorted(words))
