"""On a phone, a list draws its first screen first (static/css/site.css): the results below the
screen are laid out when scrolled to, and a folded filter panel is left out of the layout. Nothing
is lost on the way: focus rings are not clipped, the panel's options come back when it is opened,
and the pages whose links were measured wrongly while not drawn (a record's sections, a source's
passages) are drawn whole; a link to a passage lands on it (docs/lighthouse.md)."""

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


@pytest.mark.parametrize("place", [40, 60])
def test_a_link_to_a_passage_lands_on_it(live_catalogue, phone, place):
    """A passage's permanent link (on the first page of the source, and on the second) shows the
    passage at the top of the screen."""
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


def test_results_drawn_when_scrolled_to_leave_room_for_focus_rings(live_catalogue, phone):
    """Such a box clips what overflows it: a focus ring (3 px, 2 px away) must fit inside."""
    phone.goto(live_catalogue.url + "/zh-hans/cases/")
    style = phone.eval_on_selector(
        ".records > li",
        "e => [getComputedStyle(e).contentVisibility, parseFloat(getComputedStyle(e).paddingLeft),"
        " parseFloat(getComputedStyle(e).paddingRight)]",
    )
    assert style[0] == "auto"
    assert min(style[1:]) >= 5, style


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        (SOURCE, ".passage"),
        (SOURCE, ".record > section"),
        ("/zh-hans/cases/primary-market-capital-winter/", ".record > section"),
    ],
)
def test_records_and_sources_are_drawn_whole(live_catalogue, phone, path, selector):
    """Their links, measured while not drawn, seemed to overlap (Lighthouse's touch targets)."""
    phone.goto(live_catalogue.url + path)
    kinds = phone.eval_on_selector_all(
        selector, "all => [...new Set(all.map(e => getComputedStyle(e).contentVisibility))]"
    )
    assert kinds == ["visible"]
