"""The catalogue's version, kept in the cache: the pages cached for anonymous visitors
(site_config/page_cache.py) are keyed on it, so changing it makes every cached page stale at once.
It lives in the "catalogue_version" cache, which every process shares (Redis, or in production
without Redis a file cache), even where the pages themselves are cached in each process's memory.

Every save, deletion and link change of a catalogue row changes it (catalog/signals.py), and so
does a fixture load that wrote something (catalog/loading.py). Code that writes rows without
sending signals (``bulk_create``, ``QuerySet.update``, raw SQL) must call
``bump_catalogue_version()`` itself, once, after writing.
"""

import logging
import secrets
import threading
import time

from django.core.cache import caches
from django.db import transaction

VERSION_CACHE = "catalogue_version"
VERSION_KEY = "catalogue-version"

logger = logging.getLogger("catalog.cache")

_state = threading.local()


def _new_version():
    """A value never used before, even by another process or after the cache lost the key: the
    clock, and random digits in case two processes read the same tick. Pages stored under an
    earlier version can never become current again."""
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def catalogue_version():
    """The current version; None when the cache does not answer (then no page is cached)."""
    cache = caches[VERSION_CACHE]
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _new_version(), timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception as exc:  # a cache that fails means pages rendered afresh, never a 500
        logger.warning("catalogue version unreadable, pages are not cached: %s", exc)
        return None
    return version


def bump_catalogue_version(using=None):
    """Make every cached page stale once the current transaction commits (at once outside one).

    After the commit, not before: a page rendered while the transaction was still open, from the
    old rows, is stored under the old version and never served again. Cheap to call once per row:
    the calls of one transaction end in a single cache write. Nothing is bumped if it rolls back.
    """
    _state.due = True
    transaction.on_commit(_bump_if_due, using=using, robust=True)


def _bump_if_due():
    if getattr(_state, "due", False):
        _state.due = False
        caches[VERSION_CACHE].set(VERSION_KEY, _new_version(), timeout=None)
