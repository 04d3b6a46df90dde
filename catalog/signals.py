from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import (
    chinese,
    search_index,  # noqa: F401 - its receivers (the search index after migrate)
    tree_index,
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


# --- The rows under each tree node (catalog/tree_index.py) ----------------------------------------


def _tree_models():
    from .models import Region, Sector

    return (Sector, Region)


@receiver(m2m_changed)
def tree_links_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    """A case's, organisation's or policy's sectors or regions changed: its pairs made again
    (from the node's side, those of the rows added or removed; all of them after a clear)."""
    if not action.startswith("post_"):
        return
    codes = tree_index.codes_for_through(sender)
    if not codes:
        return
    if not reverse:
        tree_index.rebuild(using, codes, [instance.pk])
    elif pk_set:
        tree_index.rebuild(using, codes, pk_set)
    else:
        tree_index.rebuild(using, codes)


@receiver(post_save)
@receiver(post_delete)
def tree_link_row_changed(sender, instance, using, **kwargs):
    """A link row written or deleted by itself (not through the many-to-many manager)."""
    codes = tree_index.codes_for_through(sender)
    if codes:
        field = tree_index.link(codes[0])[1]
        tree_index.rebuild(using, codes, [getattr(instance, field)])


@receiver(post_save)
def tree_row_saved(sender, instance, using, created=False, **kwargs):
    """An organisation's region is a foreign key: its pair made again when it is saved."""
    for code in tree_index.codes_for_model(sender):
        if not tree_index.link_is_many_to_many(code):
            tree_index.rebuild(using, [code], [instance.pk])


@receiver(post_delete)
def tree_row_deleted(sender, instance, using, **kwargs):
    tree_index.forget(using, tree_index.codes_for_model(sender), [instance.pk])


@receiver(pre_save)
def tree_node_moving(sender, instance, raw=False, **kwargs):
    """Whether a sector or region is getting another parent (read before it is saved)."""
    if sender not in _tree_models() or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
    instance._tree_moved = old != instance.parent_id


@receiver(post_save)
@receiver(post_delete)
def tree_node_changed(sender, instance, using, **kwargs):
    """A node moved or deleted: every pair of its tree made again."""
    if sender not in _tree_models():
        return
    if kwargs.get("signal") is post_delete or getattr(instance, "_tree_moved", False):
        tree_index.rebuild(using, tree_index.codes_for_tree(sender))
