"""Traditional pages convert through ``s2t`` then ``t2tw`` instead of OpenCC's ``s2tw``, which
loads the dictionaries of ``s2t`` a second time (catalog/chinese.py): the text must not change."""

import json
import re
from pathlib import Path

import opencc

from catalog import chinese

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HAN = re.compile(r"[\u3400-\u9fff]")


def chinese_texts(value):
    if isinstance(value, str):
        if HAN.search(value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from chinese_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from chinese_texts(item)


def test_the_chain_gives_what_s2tw_gives_for_every_text_of_the_catalogue():
    s2tw, tw2sp = opencc.OpenCC("s2tw"), opencc.OpenCC("tw2sp")
    texts = [
        t
        for path in sorted(FIXTURES.glob("*.json"))
        for t in chinese_texts(json.loads(path.read_text()))
    ]
    assert len(texts) > 1000
    # Traditional pages convert the simplified mainland form (and the glossary's simplified
    # entries): the stored text through tw2sp first, and the stored text itself for good measure.
    different = [
        text
        for stored in texts
        for text in (tw2sp.convert(stored), stored)
        if chinese._convert("s2tw", text) != s2tw.convert(text)
    ]
    assert different == []


def test_traditional_text_is_made_without_loading_s2tw(monkeypatch):
    loaded = []
    real = chinese._opencc.__wrapped__

    def spy(config):
        loaded.append(config)
        return real(config)

    monkeypatch.setattr(chinese, "_opencc", spy)
    assert chinese._convert("s2tw", "人工智能芯片数据着陆") == "人工智能芯片數據著陸"
    assert loaded == ["s2t", "t2tw"]
