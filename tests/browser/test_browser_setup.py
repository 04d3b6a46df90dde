def test_home_page_renders_in_chromium(live_catalogue, page, screenshot):
    page.goto(live_catalogue.url + "/")
    assert page.locator("h1").count() == 1
    assert "Xinzhi Atlas" in page.locator("h1").inner_text()
    assert screenshot("home").exists()
