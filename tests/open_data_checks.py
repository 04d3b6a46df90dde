"""Readers for what pages tell other programs: JSON-LD blocks and <head> links and meta tags."""

import json
from html.parser import HTMLParser


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.meta = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link":
            self.links.append(attributes)
        elif tag == "meta":
            name = attributes.get("property") or attributes.get("name")
            if name:
                self.meta.setdefault(name, []).append(attributes.get("content"))
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def read_head(html):
    reader = HeadReader()
    reader.feed(html)
    reader.close()
    return reader


def json_ld_blocks(html):
    """Every JSON-LD block of a page, parsed."""
    return [json.loads(block) for block in read_head(html).json_ld]


def links(html, rel, type_=None):
    return [
        link["href"]
        for link in read_head(html).links
        if rel in (link.get("rel") or "").split() and (type_ is None or link.get("type") == type_)
    ]
