"""Highlighting ASCII text takes a shorter way (catalog/search.py ``_aligned_ascii``); what a
reader sees must be what the general, character-by-character way gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import search


class NotAscii(str):
    """The same text, sent down the general way."""

    def isascii(self):
        return False


ascii_text = st.text(alphabet=st.sampled_from("abcABC xyz  \t\n.,-()\x0b\x1c0123"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(text=ascii_text, data=st.data())
def test_highlights_and_excerpts_of_ascii_text_are_those_of_the_general_way(text, data):
    words = [word.lower() for word in text.split()]
    terms = data.draw(st.lists(st.sampled_from(words), max_size=2)) if words else []
    if len(words) >= 2 and data.draw(st.booleans()):
        terms.append(f"{words[0]} {words[1]}")  # a phrase across a run of spaces
    assert search.highlight(text, terms) == search.highlight(NotAscii(text), terms)
    assert search.excerpt(text, terms, 8) == search.excerpt(NotAscii(text), terms, 8)


def test_the_normalised_ascii_text_is_the_search_form():
    text = "  New   Quality\tProductive\n Forces (NQPF)  "
    normalised, spans = search._aligned(text)
    assert normalised == search.normalise(text) == "new quality productive forces (nqpf)"
    assert len(spans) == len(normalised)
    assert search.highlight(text, ["quality productive"]) == (
        "  New   <mark>Quality\tProductive</mark>\n Forces (NQPF)  "
    )
