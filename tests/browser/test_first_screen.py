"""On a phone, long pages draw their first screen first (static/css/site.css): the passages of a
source, the results of a list and the sections of a record below the screen are laid out when
scrolled to, and a folded filter panel is left out of the layout. Nothing is lost on the way: a
passage's number shows, a link to a passage lands on it, focus rings are not clipped, and the
panel's options come back when it is opened (docs/lighthouse.md)."""

import time

import pytest

PHONE = {"width": 412, "height": 823}  # the screen of Lighthouse's mobile run
SOURCE = "/zh-hans/sources/caijing-new-quality-productive-forces/"

# Whether an element is drawn: false inside a box skipped until scrolled to.
DRAWN = "e => e.checkVisibility({contentVisibilityAuto: true})"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def drawn(page, selector):
    return page.eval_on_selector_all(selector, f"all => all.map({DRAWN})")


def becomes_drawn(page, selector, seconds=5):
    """Whether the element is drawn within a few seconds (the page's rules forbid the page's
    own wait_for_function, which evaluates a string)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.eval_on_selector(selector, DRAWN):
            return True
        page.wait_for_timeout(100)
    return False


def test_a_source_draws_the_passages_on_the_screen_first(live_catalogue, phone):
    phone.goto(live_catalogue.url + SOURCE)
    quotes = drawn(phone, ".passage__body > blockquote")
    assert len(quotes) == 50
    assert quotes[0] is True
    assert quotes[-1] is False  # below the screen: not laid out yet
    # Scrolled to, it is drawn.
    phone.locator(".passage").last.scroll_into_view_if_needed()
    assert becomes_drawn(phone, ".passage:last-child .passage__body > blockquote")
    # The item itself is drawn as ever: its number (drawn outside it) is not clipped.
    visibility = phone.eval_on_selector(".passage", "e => getComputedStyle(e).contentVisibility")
    assert visibility == "visible"


@pytest.mark.parametrize("place", [40, 60])
def test_a_link_to_a_passage_lands_on_it(live_catalogue, phone, place):
    """A passage's permanent link (on the first page of the source, and on the second) shows the
    passage at the top of the screen, though the passages before it were never drawn."""
    phone.goto(f"{live_catalogue.url}{SOURCE}?page={place // 50 + 1}")
    target = phone.eval_on_selector_all(".passage", f"all => all[{place % 50}].id")
    ref = target.removeprefix("citation-")
    phone.goto(f"{live_catalogue.url}{SOURCE}passages/{ref}/")
    assert phone.url.endswith(f"#{target}")
    assert becomes_drawn(phone, f"#{target} blockquote")
    top = phone.eval_on_selector(f"#{target}", "e => e.getBoundingClientRect().top")
    assert -2 <= top < PHONE["height"] / 2, top


def test_a_list_draws_its_first_results_and_leaves_the_folded_filters_out(live_catalogue, phone):
    phone.goto(live_catalogue.url + "/zh-hans/cases/")
    results = drawn(phone, ".records > li h3")
    assert results[0] is True
    assert results[-1] is False
    # Folded on a phone, the filter panel's options have no box at all ...
    boxes = "all => all.filter(e => e.getClientRects().length > 0).length"
    assert phone.eval_on_selector_all(".filter-panel .facet input", boxes) == 0
    # ... and opened, they are laid out and can be ticked.
    phone.locator(".filter-panel > summary").click()
    assert phone.eval_on_selector_all(".filter-panel .facet input", boxes) > 0
    phone.locator(".filter-panel .facet input").first.check()


@pytest.mark.parametrize("selector", [".records > li", ".record > section", ".passage__body"])
def test_boxes_drawn_when_scrolled_to_leave_room_for_focus_rings(live_catalogue, phone, selector):
    """Such a box clips what overflows it: a focus ring (3 px, 2 px away) must fit inside."""
    page = {"/zh-hans/cases/": ".records > li", SOURCE: ".passage__body"}
    path = next((p for p, s in page.items() if s == selector), SOURCE)
    phone.goto(live_catalogue.url + path)
    padding = phone.eval_on_selector(
        selector,
        "e => [getComputedStyle(e).contentVisibility, parseFloat(getComputedStyle(e).paddingLeft),"
        " parseFloat(getComputedStyle(e).paddingRight)]",
    )
    assert padding[0] == "auto"
    assert min(padding[1:]) >= 5, padding
