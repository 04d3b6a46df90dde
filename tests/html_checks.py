"""A small HTML checker for the site's pages: balanced tags, unique ids, labelled controls,
images with alt text, one <main> and one <h1>, a <figure>'s caption first or last, ARIA
references to ids that exist. Not a full validator, but it catches the mistakes templates make."""

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
# Attributes whose value is a list of ids on the same page.
ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


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
        self.references = []
        # For each open element, the element children seen so far (a <figure>'s are checked).
        self.children = []

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
        # A data block (JSON-LD) is never run: the CSP does not apply to it.
        runs = attributes.get("type") != "application/ld+json"
        if tag == "script" and attributes.get("src") is None and "nonce" not in attributes and runs:
            self.problems.append("inline <script> without a nonce")
        for name in ID_REFERENCES:
            for target in (attributes.get(name) or "").split():
                self.references.append((tag, name, target))
        if self.children:
            self.children[-1].append(tag)
        if tag not in VOID:
            self.stack.append((tag, attributes))
            self.children.append([])

    def handle_startendtag(self, tag, attrs):
        if tag in VOID or self.stack and any(t == "svg" for t, _a in self.stack) or tag == "svg":
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self._close()
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
                    self._close()
                self._close()
            return
        self._close()

    def _close(self):
        tag, _attributes = self.stack.pop()
        children = self.children.pop()
        if tag == "figure":
            self._check_figure(children)

    def _check_figure(self, children):
        """HTML's content model: one optional <figcaption>, the first or the last child."""
        captions = [i for i, child in enumerate(children) if child == "figcaption"]
        if len(captions) > 1:
            self.problems.append("<figure> with more than one <figcaption>")
        elif captions and captions[0] not in (0, len(children) - 1):
            after = children[captions[0] + 1]
            self.problems.append(f"<{after}> after the <figcaption> of a <figure>")

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
        for tag, name, target in self.references:
            if target not in self.ids:
                self.problems.append(f"<{tag} {name}={target!r}> refers to no element")
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


class LanguageMap(HTMLParser):
    """Each text of a page's body with the language it is marked as: the ``lang`` of the nearest
    element that has one."""

    SKIPPED = {"title", "script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        lang = attributes.get("lang", self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        names = [t for t, _lang in self.stack]
        if tag in names:
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not any(tag in self.SKIPPED for tag, _lang in self.stack):
            self.texts.append((self.stack[-1][1] if self.stack else "", data.strip()))


def texts_with_language(html):
    """[(lang, text)] for every text of the page outside <title>, scripts and styles."""
    parser = LanguageMap()
    parser.feed(html)
    parser.close()
    return parser.texts
