"""The real admin and public pages in chromium: no Content Security Policy violation in the
console (an inline style or script the policy refuses shows there, and nowhere else)."""

import re

from tests.factories import CaseFactory, CitationFactory, CompanyFactory, PolicyFactory

CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to (apply|execute|load)", re.I)
PASSWORD = "browser-check"


def test_admin_and_public_pages_run_without_csp_violations(
    live_server, transactional_db, django_user_model, page
):
    company = CompanyFactory()
    CaseFactory()
    PolicyFactory()
    CitationFactory()
    django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    base = live_server.url
    messages, visited = [], []
    page.on("console", lambda m: messages.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"{page.url}: {e}"))

    def visit(url):
        # goto returns once the load event has run: scripts that start on load have run too.
        page.goto(base + url)
        visited.append(url)

    visit("/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")
    hrefs = page.eval_on_selector_all("#content-main a", "a => a.map(e => e.getAttribute('href'))")
    changelists = sorted({h for h in hrefs if h and h.count("/") == 4 and not h.endswith("/add/")})
    for changelist in changelists:
        visit(changelist)
        first = page.query_selector("#result_list tbody th a")
        if first is not None:
            change = first.get_attribute("href")
            visit(change)
            visit(change.replace("/change/", "/history/"))
            version = page.query_selector("#change-history tbody a")
            if version is not None:
                visit(version.get_attribute("href"))
        if page.query_selector("a.addlink") is not None:
            visit(changelist + "add/")
    pages = ["/", "/zh-hans/", "/about/", "/report/", "/admin/password_change/"]
    for url in [*pages, company.get_absolute_url()]:
        visit(url)

    assert "/admin/auth/user/" in changelists
    assert len(visited) > 5, visited
    violations = [message for message in messages if CSP_VIOLATION.search(message)]
    assert not violations, "\n".join(violations)
