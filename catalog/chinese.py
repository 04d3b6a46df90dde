"""Chinese as its readers read it: stored text shown in mainland wording, one form for search.

The catalogue stores the source's text as the source file has it: traditional characters with
Taiwan vocabulary (人工智慧, 晶片, 資料), a machine conversion of a mainland simplified original.
Pages derive what they show from it when they render, never by changing what is stored:

- simplified (/zh-hans/): OpenCC's phrase-level conversion ``tw2sp`` (人工智慧 → 人工智能,
  晶片 → 芯片, 資料 → 数据), corrected by the glossary (catalog.models.GlossaryEntry);
- traditional (/zh-hant/): the same mainland wording in traditional characters (``s2tw`` of the
  simplified form: 人工智能, 數據, 芯片), with the glossary's traditional renderings;
- English pages show the stored text unchanged.

The glossary's entries are matched in the stored text before the phrase conversion, the longest
first, and replace it there; the rest goes through OpenCC. An entry for a whole text overrides
that text's rendering.

Search (``search_form``) brings the indexed text and the visitor's words to one canonical form,
the simplified mainland one: the text in traditional characters first (``s2t``), so that a word
typed in simplified characters with Taiwan wording (资料) is recognised as well, then the
glossary, then ``tw2sp``. 芯片 and 晶片, 脑机接口 and 腦機介面 then become the same words.

The glossary is read from the database once per process and again after the catalogue changed
(its version, catalog.cache, is looked at once per request); conversions are cached.
"""

import functools
import re
import threading
from dataclasses import dataclass

import opencc
from django.core.signals import request_started
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.utils.translation import get_language

# A Han character (CJK unified ideographs and extension A).
HAN = re.compile(r"[\u3400-\u9fff]")

HANS = "zh-Hans"
HANT = "zh-Hant"
# The language the stored text is marked with: the source file's own.
STORED = HANT


@functools.cache
def _opencc(config):
    return opencc.OpenCC(config)


# OpenCC's ``s2tw`` is ``s2t`` followed by ``t2tw`` (Taiwan's variant characters), but loads the
# dictionaries of ``s2t`` a second time: about 16 MB more in each server process. The chain gives
# the same text (tests/test_chinese.py).
CHAINS = {"s2tw": ("s2t", "t2tw")}


def _convert(config, text):
    if not text:
        return ""
    for step in CHAINS.get(config, (config,)):
        text = _opencc(step).convert(text)
    return text


def script():
    """The script the current page shows Chinese in: HANS, HANT, or None (English: as stored)."""
    language = (get_language() or "").lower()
    if language.startswith("zh-hant"):
        return HANT
    if language.startswith("zh"):
        return HANS
    return None


# --- The glossary ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Glossary:
    """The glossary's entries as conversion uses them (compared by identity: a cache key)."""

    version: object
    # source -> (simplified, traditional), for the pages
    renderings: dict
    # source in traditional characters (s2t) -> simplified, for search
    canonical: dict

    @classmethod
    def build(cls, entries, version=None):
        renderings = {}
        for source, simplified, traditional in entries:
            if source and simplified:
                renderings[source] = (simplified, traditional or _convert("s2tw", simplified))
        canonical = {
            _convert("s2t", source): simplified for source, (simplified, _t) in renderings.items()
        }
        return cls(version=version, renderings=renderings, canonical=canonical)

    @functools.cached_property
    def pattern(self):
        return _alternatives(self.renderings)

    @functools.cached_property
    def search_pattern(self):
        return _alternatives(self.canonical)


def _alternatives(words):
    """A pattern matching any of ``words``, the longest first; None when there are none."""
    if not words:
        return None
    ordered = sorted(words, key=lambda word: (-len(word), word))
    return re.compile("(" + "|".join(re.escape(word) for word in ordered) + ")")


EMPTY = Glossary.build(())

_state = threading.local()
_loaded = {"glossary": None}


def _read_entries():
    """The entries in the database; None when it cannot be read (no database here)."""
    from .models import GlossaryEntry

    table = GlossaryEntry._meta.db_table
    try:
        if table not in connection.introspection.table_names():
            return ()  # before the migration that makes it
        return tuple(GlossaryEntry.objects.values_list("source", "simplified", "traditional"))
    except (DatabaseError, RuntimeError):  # RuntimeError: a test without database access
        return None


def glossary():
    """The glossary as the database holds it: read once, and again in a request that finds the
    catalogue's version changed since."""
    current = _loaded["glossary"]
    if current is not None and not getattr(_state, "check", False):
        return current
    _state.check = False
    version = _catalogue_version()
    if current is None or version != current.version:
        entries = _read_entries()
        if entries is None:
            return EMPTY
        current = Glossary.build(entries, version)
        _loaded["glossary"] = current
    return current


def _catalogue_version():
    """The catalogue's version as the shared cache holds it (catalog/cache.py), without making one
    where there is none; None then, or when the cache does not answer."""
    from django.core.cache import caches

    from .cache import VERSION_CACHE, VERSION_KEY

    try:
        return caches[VERSION_CACHE].get(VERSION_KEY)
    except Exception:  # a cache that fails: the glossary as read last
        return None


def use_glossary(entries):
    """Convert with ``entries`` ((source, simplified, traditional) triples) until the glossary is
    read again: the fixture loader's, as it is writing them."""
    _loaded["glossary"] = Glossary.build(tuple(entries), _catalogue_version())


def forget_glossary():
    """Read the glossary afresh at its next use (after it was written)."""
    _loaded["glossary"] = None


@receiver(request_started)
def _check_glossary(**kwargs):
    _state.check = True


# --- Conversion for the pages ---------------------------------------------------------------------


@functools.lru_cache(maxsize=50_000)
def _render(text, target, entries):
    pieces = entries.pattern.split(text) if entries.pattern else [text]
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            simplified, traditional = entries.renderings[piece]
            out.append(simplified if target == HANS else traditional)
        elif piece:
            mainland = _convert("tw2sp", piece)
            out.append(mainland if target == HANS else _convert("s2tw", mainland))
    return "".join(out)


def render(text, target=None, simplified="", entries=None):
    """``text`` (as stored) in the page's script with mainland wording; unchanged on English pages.

    ``simplified`` is an editor's own simplified form of the same text (a record's
    ``name_zh_hans``): the simplified page shows it instead of the conversion. ``entries``: a
    glossary other than the database's (``EMPTY``: the converter alone).
    """
    text = "" if text is None else str(text)
    target = target or script()
    if target is None or not text:
        return text
    if target == HANS and simplified:
        return str(simplified)
    return _render(text, target, glossary() if entries is None else entries)


def lang(target=None):
    """The ``lang`` of text ``render`` gives: the page's script, or the stored text's."""
    return target or script() or STORED


# --- The canonical form for search ----------------------------------------------------------------


@functools.lru_cache(maxsize=20_000)
def _search_form(text, entries):
    traditional = _convert("s2t", text)
    pieces = entries.search_pattern.split(traditional) if entries.search_pattern else [traditional]
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(entries.canonical[piece])
        elif piece:
            out.append(_convert("tw2sp", piece))
    return "".join(out)


def search_form(text):
    """``text`` in simplified characters and mainland wording, whatever it was typed in."""
    if not text:
        return ""
    if len(text) > 200:  # a row's text: too many different ones to keep
        return _search_form.__wrapped__(text, glossary())
    return _search_form(text, glossary())


def character_form(text):
    """``text`` in simplified characters, character by character (no change of wording)."""
    return _convert("t2s", text)
