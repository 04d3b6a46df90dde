"""Chinese as its readers read it (catalog/chinese.py): mainland wording on /zh-hans/ and
/zh-hant/, the stored text unchanged and one click away, and search that knows both vocabularies."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import opencc
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog import chinese
from catalog.models import Citation, Company, GlossaryEntry, Person, Region, Sector
from catalog.search import parse_query, run_search
from tests import factories as f

GLOSSARY = json.loads((settings.BASE_DIR / "fixtures" / "00_glossary.json").read_text("utf-8"))

# Mainland words and the Taiwan wording the stored text has for them.
VOCABULARY = [
    ("人工智能", "人工智慧"),
    ("芯片", "晶片"),
    ("数据", "資料"),
    ("信息", "資訊"),
    ("脑机接口", "腦機介面"),
    ("项目", "專案"),
    ("发布", "釋出"),
    ("优化", "最佳化"),
    ("支持", "支援"),
    ("通过", "透過"),
    ("软件", "軟體"),
    ("硅谷", "矽谷"),
    ("集群", "叢集"),
    ("范式", "正規化"),
    ("互联网", "網際網路"),
    ("网络", "網路"),
    ("设备", "裝置"),
    ("数据要素", "資料要素"),
    ("智能化", "智慧化"),
    ("大数据", "大資料"),
    ("信息化", "資訊化"),
    ("类脑智能", "類腦智慧"),
    ("高端芯片", "高階晶片"),
    ("劳动对象", "勞動物件"),
    ("联系", "聯絡"),
    ("意味着", "意味著"),
    ("进程", "程序"),
    ("医疗设备", "醫療裝置"),
    ("信息时代", "資訊時代"),
    ("人工智能产业", "人工智慧產業"),
    ("数据交易", "資料交易"),
]

# Words only Taiwan usage has (in either script), never on a mainland page.
TAIWAN_ONLY = [
    "人工智慧",
    "人工智慧",
    "晶片",
    "介面",
    "资料",
    "資料",
    "资讯",
    "資訊",
    "专案",
    "專案",
    "释出",
    "釋出",
    "透过",
    "透過",
    "最佳化",
    "软体",
    "軟體",
    "丛集",
    "叢集",
    "矽谷",
    "正规化",
    "正規化",
    "网路",
    "網路",
]
# 劳动资料 (means of labour) is a genuine mainland term.
GENUINE = ["劳动资料", "勞動資料"]

_t2s = opencc.OpenCC("t2s")
_s2tw = opencc.OpenCC("s2tw")
HAN = re.compile(r"[\u3400-\u9fff]")


def ids(groups):
    return {group.key: sorted(hit.record.pk for hit in group.hits) for group in groups}


def found(text, user=None):
    return ids(run_search(parse_query(text), user))


# --- Conversion ---------------------------------------------------------------------------------


def test_simplified_pages_read_mainland_words():
    entries = chinese.Glossary.build([("腦機介面", "脑机接口", "")])
    stored = "人工智慧晶片與腦機介面,資料要素"
    assert (
        chinese.render(stored, chinese.HANS, entries=entries) == "人工智能芯片与脑机接口,数据要素"
    )
    assert (
        chinese.render(stored, chinese.HANT, entries=entries) == "人工智能芯片與腦機接口,數據要素"
    )
    # without the glossary the converter's own wording
    assert chinese.render("腦機介面", chinese.HANS, entries=chinese.EMPTY) == "脑机界面"


def test_an_editors_simplified_name_is_preferred_on_simplified_pages():
    assert chinese.render("範人傑", chinese.HANS, simplified="范人杰") == "范人杰"


def test_english_pages_show_the_stored_text():
    assert chinese.render("人工智慧") == "人工智慧"


@pytest.mark.parametrize("entry", GLOSSARY, ids=lambda entry: entry["fields"]["source"])
def test_each_glossary_entry_is_applied(entry):
    fields = entry["fields"]
    entries = chinese.Glossary.build(
        [(fields["source"], fields["simplified"], fields["traditional"])]
    )
    text = f"甲{fields['source']}乙"
    assert chinese.render(text, chinese.HANS, entries=entries) == f"甲{fields['simplified']}乙"
    traditional = fields["traditional"] or _s2tw.convert(fields["simplified"])
    assert chinese.render(text, chinese.HANT, entries=entries) == f"甲{traditional}乙"


# --- Search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mainland", "taiwan"), VOCABULARY)
def test_a_mainland_word_finds_what_its_taiwan_variant_finds(catalogue, mainland, taiwan):
    assert found(mainland) == found(taiwan)
    assert found(mainland) == found(_t2s.convert(taiwan))  # Taiwan wording, simplified characters
    assert found(mainland) == found(_s2tw.convert(mainland))  # mainland wording, traditional


@pytest.mark.parametrize("entry", GLOSSARY, ids=lambda entry: entry["fields"]["source"])
def test_each_glossary_entry_finds_the_same_rows_in_both_wordings(catalogue, entry):
    fields = entry["fields"]
    assert found(fields["simplified"]) == found(fields["source"])


@pytest.mark.parametrize(
    ("word", "expected"),
    [("芯片", 1), ("脑机接口", 1), ("人工智能", 1), ("硅谷", 1), ("数据要素", 1)],
)
def test_what_a_mainland_reader_searches_for_is_found(catalogue, word, expected):
    assert sum(len(hits) for hits in found(word).values()) >= expected


def test_zhiran_medical_is_found_by_the_mainland_term(catalogue):
    hits = found("脑机接口")
    assert hits["companies"], "no organisation found for 脑机接口"
    assert found("脑机界面") != hits or not hits  # the converter's wrong term is not the key


def test_sectors_and_regions_are_searchable(catalogue):
    assert Sector.objects.get(slug="boilers").pk in found("锅炉")["sectors"]
    assert Sector.objects.get(slug="semiconductors").pk in found("芯片")["sectors"]
    assert Region.objects.get(name_zh="上海").pk in found("上海")["regions"]


@pytest.mark.django_db
def test_a_whole_text_entry_overrides_that_texts_rendering():
    entries = chinese.Glossary.build(
        [("腦機介面", "脑机接口", ""), ("北京腦機介面產業", "北京市脑机接口产业", "")]
    )
    assert chinese.render("北京腦機介面產業", chinese.HANS, entries=entries) == "北京市脑机接口产业"
    assert chinese.render("上海腦機介面產業", chinese.HANS, entries=entries) == "上海脑机接口产业"


@pytest.mark.django_db
def test_the_glossary_is_edited_in_the_admin_with_its_history(admin_client):
    url = reverse("admin:catalog_glossaryentry_add")
    response = admin_client.post(
        url, {"source": "腦機介面", "simplified": "脑机接口", "traditional": "", "note": "標準術語"}
    )
    assert response.status_code == 302
    entry = GlossaryEntry.objects.get(source="腦機介面")
    assert entry.history.count() == 1
    changelist = admin_client.get(reverse("admin:catalog_glossaryentry_changelist"))
    assert "脑机界面" in changelist.content.decode()  # what the converter alone would give
    chinese.forget_glossary()
    with translation.override("zh-hans"):
        assert chinese.render("腦機介面") == "脑机接口"


def test_highlighting_marks_the_mainland_word_in_the_converted_text(client, catalogue):
    html = client.get("/zh-hans/search/", {"q": "芯片"}).content.decode()
    assert "<mark>芯片</mark>" in html
    html = client.get("/zh-hant/search/", {"q": "晶片"}).content.decode()
    assert "<mark>芯片</mark>" in html


@pytest.mark.django_db
def test_a_glossary_entry_saved_changes_the_search_text():
    chinese.forget_glossary()  # as this test's database has it
    company = f.CompanyFactory(name_zh="甲腦機介面乙")
    assert "脑机界面" in Company.objects.get(pk=company.pk).search_text
    GlossaryEntry.objects.create(source="腦機介面", simplified="脑机接口")
    assert "脑机接口" in Company.objects.get(pk=company.pk).search_text
    assert company.pk in found("脑机接口")["companies"]
    assert company.pk in found("腦機介面")["companies"]
    GlossaryEntry.objects.all().delete()
    chinese.forget_glossary()


# --- Pages --------------------------------------------------------------------------------------


class PageText(HTMLParser):
    """The text of a page (and its links), leaving out what is marked as the stored original
    (an element with class ``original-text``, a ``<details class="original">``) and the
    language switch (繁體中文 on a simplified page)."""

    VOID = {"br", "img", "input", "link", "meta", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.texts, self.hrefs = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag in self.VOID:
            return
        classes = (attributes.get("class") or "").split()
        original = "original-text" in classes or (tag == "details" and "original" in classes)
        # the language switch names each language in itself (简体中文, 繁體中文)
        original = original or (tag == "nav" and "languages" in classes)
        self.stack.append((tag, original or self.hidden))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    @property
    def hidden(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_data(self, data):
        if not self.hidden and self.stack and self.stack[-1][0] not in ("script", "style"):
            self.texts.append(data)


def crawl(client, prefix, limit=600):
    """Every page under ``prefix`` reachable from its home page (pagination included):
    {url: visible text without the marked originals}."""
    pages, queue = {}, [prefix]
    # The citation downloads and the report form repeat for every record and passage: a sample
    # of each is read (as in tests/test_reachability.py).
    sampled = {f"{prefix}{path}": 0 for path in ("cite/", "report/")}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in pages:
            continue
        kind = next((p for p in sampled if url.startswith(p)), None)
        if kind is not None:
            if sampled[kind] >= 12:
                continue
            sampled[kind] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(urldefrag(response.url)[0])
            pages[url] = ""
            continue
        assert response.status_code == 200, url
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue  # downloads: CSV, JSON, feeds
        parser = PageText()
        parser.feed(response.content.decode())
        pages[url] = "".join(parser.texts)
        for href in parser.hrefs:
            link, _fragment = urldefrag(urljoin(url, href))
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith(prefix):
                continue
            if parts.path.startswith(f"{prefix}admin/"):
                continue
            if {key for key, _v in parse_qsl(parts.query)} - {"page"}:
                continue
            if link not in pages:
                queue.append(link)
    return pages


@pytest.fixture(scope="module")
def simplified_pages(read_shared_catalogue):
    with read_shared_catalogue():
        return crawl(Client(), "/zh-hans/")


@pytest.fixture(scope="module")
def traditional_pages(read_shared_catalogue):
    with read_shared_catalogue():
        return crawl(Client(), "/zh-hant/")


def traditional_only(char):
    return _t2s.convert(char) != char


@pytest.fixture(scope="module")
def stored_characters():
    """Characters the stored traditional text uses: traditional forms, whatever OpenCC says."""
    path = Path(settings.SOURCE_ARTICLE_PATH)
    text = path.read_text("utf-8") if path.exists() else ""
    for fixture in (settings.BASE_DIR / "fixtures").glob("*.json"):
        text += fixture.read_text("utf-8")
    return set(text)


def test_no_taiwan_word_or_traditional_character_on_simplified_pages(catalogue, simplified_pages):
    assert len(simplified_pages) > 100
    problems = {}
    for url, text in simplified_pages.items():
        for genuine in GENUINE:
            text = text.replace(genuine, "")
        words = [word for word in TAIWAN_ONLY if word in text]
        chars = sorted({char for char in HAN.findall(text) if traditional_only(char)})
        if words or chars:
            problems[url] = (words, "".join(chars))
    assert sorted(problems.items())[:10] == []


def test_no_simplified_character_on_traditional_pages(
    catalogue, traditional_pages, stored_characters
):
    assert len(traditional_pages) > 100
    problems = {}
    for url, text in traditional_pages.items():
        words = [word for word in TAIWAN_ONLY if word in text and word not in "".join(GENUINE)]
        chars = sorted(
            {
                char
                for char in HAN.findall(text)
                if _s2tw.convert(char) != char
                and _t2s.convert(char) == char  # not a traditional variant (爲)
                and char not in stored_characters
            }
        )
        if words or chars:
            problems[url] = (words, "".join(chars))
    assert sorted(problems.items())[:10] == []


def test_simplified_pages_say_renren_zhineng(client, catalogue):
    html = client.get("/zh-hans/").content.decode()
    assert "人工智能" in html
    assert "人工智慧" not in html


def test_a_traditional_page_has_mainland_wording_in_traditional_characters(client, catalogue):
    person = Person.objects.get(slug="fan-renjie").get_absolute_url()
    company = Company.objects.get(slug="zhiran-medical").get_absolute_url()
    html = client.get(f"/zh-hant{person}").content.decode()
    assert '<h1><span lang="zh-Hant">范人傑</span>' in html
    html = client.get(f"/zh-hans{person}").content.decode()
    assert '<h1><span lang="zh-Hans">范人杰</span>' in html
    html = client.get(f"/zh-hant{company}").content.decode()
    assert "腦機接口" in html
    assert "人工智能" in client.get("/zh-hant/").content.decode()


def test_the_stored_passage_is_one_click_away_unchanged(client, catalogue):
    citation = Citation.objects.filter(quote__contains="人工智慧").select_related("source").first()
    html = client.get(f"/zh-hans{citation.source.get_absolute_url()}").content.decode()
    original = re.escape(
        '<details class="original"><summary>原文</summary><blockquote lang="zh-Hant" '
        'class="original-text">'
    )
    assert re.search(original, html)
    from django.utils.html import escape

    assert escape(citation.quote) in html  # as stored
    assert escape(chinese.render(citation.quote, chinese.HANS)) in html  # and converted


# --- The frame ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/zh-hans", "/zh-hant"])
def test_every_page_has_its_alternates(client, prefix):
    html = client.get(f"{prefix}/companies/").content.decode()
    for hreflang, path in [
        ("en", "/companies/"),
        ("zh-Hans", "/zh-hans/companies/"),
        ("zh-Hant", "/zh-hant/companies/"),
        ("x-default", "/companies/"),
    ]:
        assert (
            f'<link rel="alternate" hreflang="{hreflang}" href="http://testserver{path}">' in html
        )


@pytest.mark.django_db
def test_the_language_switch_offers_the_three_languages(client):
    html = client.get("/zh-hant/").content.decode()
    for code, name in [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]:
        assert f'hreflang="{code}" lang="{code}"' in html
        assert name in html


# --- The Traditional Chinese interface ----------------------------------------------------------


def test_the_traditional_catalogue_is_complete_and_matches_the_simplified_one():
    from tests.test_i18n import read_po

    locale = Path(settings.LOCALE_PATHS[0])
    hant = read_po(locale / "zh_Hant" / "LC_MESSAGES" / "django.po")
    hans = read_po(locale / "zh_Hans" / "LC_MESSAGES" / "django.po")
    header = next(entry["msgstr"] for entry in hant if entry["msgid"] == "")
    assert "Language: zh_Hant\n" in header
    entries = [entry for entry in hant if entry["msgid"]]
    assert {(e.get("msgctxt"), e["msgid"]) for e in entries} == {
        (e.get("msgctxt"), e["msgid"]) for e in hans if e["msgid"]
    }
    assert [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]] == []
    untranslated = [
        entry["msgid"]
        for entry in entries
        if not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []
    simplified_only = [
        entry["msgid"]
        for entry in entries
        if any(
            _s2tw.convert(value) != value for k, value in entry.items() if k.startswith("msgstr")
        )
    ]
    assert simplified_only == []


@pytest.mark.django_db
def test_the_traditional_interface_is_translated(client):
    html = client.get("/zh-hant/companies/").content.decode()
    assert '<html lang="zh-hant">' in html
    assert "機構" in html  # Organisations
    assert "机构" not in html


@pytest.mark.parametrize(
    ("prefix", "contributors", "note"),
    [
        ("/zh-hans", "记者邹碧颖对此文亦有贡献", "《财经》封面文章"),
        ("/zh-hant", "記者鄒碧穎對此文亦有貢獻", "《財經》封面文章"),
        ("", "(contributed)", "cover story"),
    ],
)
def test_the_sources_credits_and_note_in_the_pages_language(
    catalogue, client, prefix, contributors, note
):
    html = client.get(f"{prefix}/sources/caijing-new-quality-productive-forces/").content.decode()
    assert contributors in html
    assert note in html
    if prefix:
        assert "(contributed)" not in html
        assert "cover story" not in html
