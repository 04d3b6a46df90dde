from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models.common import Searchable
from .search import document


@receiver(pre_save)
def fill_search_text(sender, instance, **kwargs):
    """Keep each searchable row's normalised text current, on fixture loads (raw) too."""
    if isinstance(instance, Searchable):
        instance.search_text = document(instance.search_fields())
