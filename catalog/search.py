"""Text normalisation for search: one form for simplified and traditional Chinese, any case.

Both the stored ``search_text`` of each row and the visitor's query go through ``normalise``, so a
query in simplified characters finds traditional text and the reverse.
"""

import functools
import unicodedata

import opencc

MAX_QUERY_LENGTH = 200


@functools.cache
def _to_simplified():
    return opencc.OpenCC("t2s")


def normalise(text):
    """Simplified characters, NFKC (full-width letters become ASCII), lower case, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).replace("\x00", "")
    text = _to_simplified().convert(text)
    return " ".join(text.casefold().split())


def document(parts):
    return "\n".join(normalise(part) for part in parts if part)
