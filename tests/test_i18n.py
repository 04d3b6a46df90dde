"""The interface in two languages: English unprefixed, Simplified Chinese under /zh-hans/.

Also guards the committed catalogue: the compiled .mo says exactly what the .po says, every
entry is translated, placeholders survive translation, and (where gettext's tools are
installed) the .po holds every string the code and templates mark for translation.
"""

import gettext
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import CompanyFactory

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


# --- A minimal .po reader (the standard library has none) ---------------------------------------
def _unquote(text):
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text)


def read_po(path):
    """Entries of a .po file: dicts of msgctxt/msgid/msgid_plural/msgstr[n], plus "flags"."""
    entries = []
    for block in re.split(r"\n\s*\n", Path(path).read_text(encoding="utf-8").strip()):
        entry, key, flags = {}, None, set()
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#~"):
                entry = {}  # an obsolete entry: not part of the catalogue
                break
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += _unquote(line[1:-1])
            else:
                key, _, value = line.partition(" ")
                entry[key] = _unquote(value[1:-1])
        if "msgid" in entry:
            entry["flags"] = flags
            entries.append(entry)
    return entries


def catalogue_entries():
    return [entry for entry in read_po(PO_PATH) if entry["msgid"]]


def header():
    return next(entry["msgstr"] for entry in read_po(PO_PATH) if entry["msgid"] == "")


def entry_key(entry):
    return (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))


def translation_of(entry):
    return entry["msgstr[0]"] if "msgid_plural" in entry else entry["msgstr"]


# --- Pages in each language -----------------------------------------------------------------------
class LinkCollector(HTMLParser):
    """The language links of a page: {hreflang: href} of every <a> that has an hreflang."""

    def __init__(self):
        super().__init__()
        self.languages = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and "hreflang" in attributes:
            self.languages[attributes["hreflang"]] = attributes["href"]


def language_links(response):
    collector = LinkCollector()
    collector.feed(response.content.decode())
    return collector.languages


@pytest.mark.django_db
def test_home_is_english_without_a_prefix(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert ">Organisations</a>" in html
    assert ">机构</a>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("zh", "/zh-hans/"),
        ("zh-TW,zh;q=0.9", "/zh-hant/"),
        ("zh-HK", "/zh-hant/"),
        ("zh-Hant", "/zh-hant/"),
    ],
)
def test_a_first_visit_to_the_home_page_follows_the_browsers_language(client, accept, target):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == target
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_home_stays_english_once_the_visitor_chose_it(client):
    """Following the language switch to English (a link from this site) stays on the English
    home page; so does any page other than the home page."""
    chinese = {"accept-language": "zh-CN,zh;q=0.9"}
    response = client.get("/", headers={**chinese, "referer": "http://testserver/zh-hans/"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert client.get("/companies/", headers=chinese).status_code == 200
    english = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert english.status_code == 200
    assert "Accept-Language" in english["Vary"]


@pytest.mark.django_db
def test_home_in_chinese_under_its_prefix(client):
    response = client.get("/zh-hans/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    for label in ("机构", "案例", "产业", "地区", "政策", "人物"):
        assert f">{label}</a>" in html, label
    assert "跳到正文" in html  # the skip link
    assert ">Organisations</a>" not in html


@pytest.mark.django_db
def test_list_page_in_chinese(client):
    CompanyFactory()
    response = client.get("/zh-hans/companies/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>机构</h1>" in html
    assert "应用筛选" in html  # the filter button
    assert "1条结果" in html  # the plural form of "1 result"
    assert "Apply filters" not in html


def _bilingual_catalogue():
    """A few records of every kind, linked together, with names that occur nowhere else."""
    from tests import factories as f

    sector = f.SectorFactory(slug="marine", name_zh="海洋經濟", name_en="Marine Economy")
    child = f.SectorFactory(slug="ships", name_zh="造船工業", name_en="Shipbuilding", parent=sector)
    region = f.RegionFactory(slug="fujian", name_zh="福建省", name_en="Fujian Province")
    company = CompanyFactory(
        slug="harbour", name_zh="港灣重工", name_en="Harbour Heavy Industry", region=region
    )
    company.sectors.add(child)
    case = f.CaseFactory(slug="dock", title_zh="智慧船塢改造", title_en="Smart Dock Upgrade")
    case.sectors.add(child)
    case.regions.add(region)
    f.CaseCompanyFactory(case=case, company=company)
    f.MetricFactory(case=case, label_zh="交付週期", label_en="Delivery time")
    policy = f.PolicyFactory(slug="ports", title_zh="港口振興方案", title_en="Port Revival Plan")
    policy.issuers.add(company)
    policy.regions.add(region)
    person = f.PersonFactory(
        slug="lin", name_zh="林海濤", name_en="Lin Haitao", organisation=company
    )
    f.QuoteFactory(person=person).cases.add(case)
    records = [sector, child, region, company, case, policy, person]
    english = {"Marine Economy", "Shipbuilding", "Fujian Province", "Harbour Heavy Industry"}
    english |= {"Smart Dock Upgrade", "Port Revival Plan", "Lin Haitao"}
    chinese = {
        "海洋經濟",
        "造船工業",
        "福建省",
        "港灣重工",
        "智慧船塢改造",
        "港口振興方案",
        "林海濤",
    }
    return records, english, chinese


@pytest.mark.django_db
def test_names_from_the_data_are_marked_with_their_language(client):
    """On Chinese pages English names are lang="en"; on English pages Chinese names are
    lang="zh-Hant": screen readers and fonts then treat each in its own language."""
    from tests.html_checks import texts_with_language

    records, english, chinese = _bilingual_catalogue()
    paths = ["/companies/", "/cases/", "/policies/", "/people/", "/sectors/", "/regions/"]
    paths += ["/companies/?sector=marine&region=fujian", "/cases/?company=harbour"]
    paths += ["/policies/?issuer=harbour", "/search/?q=harbour", "/search/?q=lin"]
    paths += [record.get_absolute_url() for record in records]
    unmarked, seen = set(), set()
    for path in paths:
        for prefix, names, language in (("/zh-hans", english, "en"), ("", chinese, "zh")):
            response = client.get(prefix + path)
            assert response.status_code == 200, prefix + path
            for lang, text in texts_with_language(response.content.decode()):
                found = {name for name in names if name in text}
                seen |= found
                if not lang.lower().startswith(language):
                    unmarked |= {(prefix + path, name) for name in found}
    assert seen == english | chinese  # every name was on some page to check
    assert sorted(unmarked) == []


@pytest.mark.django_db
def test_detail_page_in_chinese(client):
    company = CompanyFactory(slug="test-company", name_zh="測試公司")
    response = client.get("/zh-hans/companies/test-company/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "測試公司" in html  # the record's own text is not translated
    assert "<dt>类别</dt><dd>企业</dd>" in html  # a label and a choice label
    assert "该机构暂无案例。" in html  # an empty state
    assert "<dt>Kind</dt>" not in html
    with translation.override("zh-hans"):
        assert company.get_absolute_url() == "/zh-hans/companies/test-company/"


@pytest.mark.django_db
def test_reverse_follows_the_active_language():
    """Chinese URLs carry the prefix; the default language keeps unprefixed ones."""
    assert settings.LANGUAGE_CODE == "en"
    with translation.override("zh-hans"):
        chinese = reverse("catalog:company_detail", kwargs={"slug": "test-company"})
    with translation.override("en"):
        english = reverse("catalog:company_detail", kwargs={"slug": "test-company"})
    assert chinese == "/zh-hans/companies/test-company/"
    assert english == "/companies/test-company/"


@pytest.mark.django_db
def test_language_links_point_to_the_same_page_in_the_other_language(client):
    CompanyFactory(slug="test-company")
    english = language_links(client.get("/companies/test-company/"))
    chinese = language_links(client.get("/zh-hans/companies/test-company/"))
    assert english == {
        "en": "/companies/test-company/",
        "zh-hans": "/zh-hans/companies/test-company/",
        "zh-hant": "/zh-hant/companies/test-company/",
    }
    assert chinese == english


@pytest.mark.django_db
def test_language_links_keep_the_query_string(client):
    links = language_links(client.get("/zh-hans/companies/", {"q": "boiler", "sort": "name"}))
    assert links == {
        "en": "/companies/?q=boiler&sort=name",
        "zh-hans": "/zh-hans/companies/?q=boiler&sort=name",
        "zh-hant": "/zh-hant/companies/?q=boiler&sort=name",
    }


def test_language_link_marks_the_current_language(client, db):
    html = client.get("/zh-hans/").content.decode()
    current = re.findall(r'<a [^>]*hreflang="([^"]+)"[^>]*aria-current="true"', html)
    assert current == ["zh-hans"]


# --- The committed catalogue ----------------------------------------------------------------------
def test_po_header_declares_the_language_and_one_plural_form():
    text = header()
    assert "Language: zh_Hans\n" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text
    assert "charset=UTF-8" in text


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = catalogue_entries()
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not translation_of(e).strip()]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    extra_plural_forms = [e["msgid"] for e in entries if "msgstr[1]" in e]
    assert untranslated == []
    assert fuzzy == []
    assert extra_plural_forms == []


def test_placeholders_survive_translation():
    wrong = []
    for entry in catalogue_entries():
        expected = set(PLACEHOLDER.findall(entry.get("msgid_plural") or entry["msgid"]))
        if set(PLACEHOLDER.findall(translation_of(entry))) != expected:
            wrong.append(entry["msgid"])
    assert wrong == []


def test_committed_mo_is_current_and_complete():
    """The .mo gives each .po entry its translation: it was compiled after the last edit."""
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue_entries():
        context, msgid, plural = entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")
        if plural and context:
            got = compiled.npgettext(context, msgid, plural, 1)
        elif plural:
            got = compiled.ngettext(msgid, plural, 1)
        elif context:
            got = compiled.pgettext(context, msgid)
        else:
            got = compiled.gettext(msgid)
        if got != translation_of(entry):
            stale.append(msgid)
    assert stale == []


def test_django_uses_the_catalogue():
    with translation.override("zh-hans"):
        assert translation.gettext("Organisations") == "机构"
        assert (
            translation.gettext("Renewing traditional industries (傳統產業煥新)") == "传统产业焕新"
        )
        message = translation.ngettext("%(counter)s result", "%(counter)s results", 5)
        assert message % {"counter": 5} == "5条结果"
    with translation.override("en"):
        assert translation.gettext("Organisations") == "Organisations"


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msguniq")),
    reason="needs gettext's xgettext and msguniq",
)
def test_catalogue_holds_every_string_marked_for_translation(settings, tmp_path, monkeypatch):
    """Extract the strings afresh from a copy of the code; each must have a translation."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "locale", "staticfiles", "test-artifacts", "media", "*.sqlite3"
        ),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    fresh = {entry_key(e) for e in read_po(copy / "locale/zh_Hans/LC_MESSAGES/django.po")}
    translated = {entry_key(e) for e in catalogue_entries() if translation_of(e).strip()}
    missing = sorted(str(key) for key in fresh - translated if key[1])
    assert missing == []
