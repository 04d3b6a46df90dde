"""A small HTML checker for the site's pages: balanced tags, unique ids, labelled controls,
images with alt text, one <main> and one <h1>. Not a full validator, but it catches the mistakes
templates make."""

from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Elements whose end tag HTML lets one omit; the site's templates close them anyway.
LABELLED_INPUT_TYPES_EXEMPT = {"hidden", "submit", "button", "reset", "image"}


class PageChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.ids = {}
        self.label_for = set()
        self.controls = []
        self.counts = {"main": 0, "h1": 0}
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.counts:
            self.counts[tag] += 1
        if "id" in attributes:
            if attributes["id"] in self.ids:
                self.problems.append(f"duplicate id {attributes['id']!r}")
            self.ids[attributes["id"]] = tag
        if "style" in attributes:
            self.problems.append(f"inline style attribute on <{tag}> (blocked by the CSP)")
        if tag == "label" and attributes.get("for"):
            self.label_for.add(attributes["for"])
        if tag == "img" and "alt" not in attributes:
            self.problems.append(f"<img src={attributes.get('src')!r}> without alt")
        if tag in {"input", "select", "textarea"}:
            kind = attributes.get("type", "text")
            if not (tag == "input" and kind in LABELLED_INPUT_TYPES_EXEMPT):
                self.controls.append((tag, attributes, [t for t, _a in self.stack]))
        if tag == "script" and attributes.get("src") is None and "nonce" not in attributes:
            self.problems.append("inline <script> without a nonce")
        if tag not in VOID:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        if tag in VOID or self.stack and any(t == "svg" for t, _a in self.stack) or tag == "svg":
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self.stack.pop()
        else:
            self.problems.append(f"self-closing non-void element <{tag}/>")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append(f"stray </{tag}>")
            return
        open_tag = self.stack[-1][0]
        if open_tag != tag:
            self.problems.append(f"</{tag}> closes <{open_tag}>")
            # recover: pop up to the matching tag if it is open
            names = [t for t, _a in self.stack]
            if tag in names:
                while self.stack and self.stack[-1][0] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()

    def finish(self):
        self.close()
        for tag, _attrs in self.stack:
            self.problems.append(f"<{tag}> never closed")
        for tag, attributes, ancestors in self.controls:
            labelled = (
                attributes.get("id") in self.label_for
                or "aria-label" in attributes
                or "aria-labelledby" in attributes
                or "label" in ancestors
            )
            if not labelled:
                self.problems.append(f"<{tag} name={attributes.get('name')!r}> has no label")
        if self.counts["main"] != 1:
            self.problems.append(f"{self.counts['main']} <main> elements")
        if self.counts["h1"] != 1:
            self.problems.append(f"{self.counts['h1']} <h1> elements")
        return self.problems


def html_problems(html):
    checker = PageChecker()
    if not html.lstrip().lower().startswith("<!doctype html>"):
        return ["no <!DOCTYPE html>"]
    checker.feed(html)
    return checker.finish()
