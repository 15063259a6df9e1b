"""A shopper walks home → category → product in a real browser, on a phone and a desktop."""

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import VIEWPORTS, demo_image
from tests.factories import home_page, make_category, make_product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def storefront():
    pantry = make_category(title="Food & Drink", show_in_menus=True)
    pepper = make_category(pantry, title="Kampot Pepper")
    products = []
    for _number, (title, khmer, price, stock) in enumerate(
        [
            ("Kampot Black Pepper", "ម្រេចខ្មៅកំពត", "8.90", 12),
            ("Kampot Red Pepper", "ម្រេចក្រហមកំពត", "12.50", 2),
            ("Pepper Discovery Box", "", "29.00", 0),
        ]
    ):
        images = [demo_image(f"{title}-{n}", ["dots", "rings", "stripes"][n]) for n in range(2)]
        products.append(
            make_product(
                pepper, title=title, khmer_name=khmer, price=price, stock=stock, images=images
            )
        )
    home = home_page()
    home.hero_title = "Made in Cambodia"
    home.hero_link = pantry
    home.body = [
        ("featured_categories", {"title": "Shop by category", "categories": [pantry]}),
        ("featured_products", {"title": "Best sellers", "products": products}),
    ]
    home.save_revision().publish()
    return {"category": pantry, "products": products}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_shopper_walks_from_home_to_a_product(
    browser, live_server, storefront, screenshot_dir, device
):
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    origin = urlsplit(live_server.url).netloc
    foreign_requests, failed = [], []
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc not in (origin, "")
            and not request.url.startswith("data:")
            and foreign_requests.append(request.url)
        ),
    )
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + "/en/")
    assert page.locator("h1").inner_text() == "Made in Cambodia"
    assert page.locator(".product-card").count() == 3
    page.screenshot(path=screenshot_dir / f"home-{device}.png", full_page=True)

    page.locator(".category-tile").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Food & Drink"
    assert page.locator(".product-card").count() == 3
    page.screenshot(path=screenshot_dir / f"category-{device}.png", full_page=True)

    page.locator(".product-card", has_text="Kampot Red Pepper").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Kampot Red Pepper"
    assert page.locator("[data-stock-status]").inner_text().strip() == "Only 2 left"
    assert page.locator(".price-main").first.inner_text() == "$12.50"
    page.screenshot(path=screenshot_dir / f"product-{device}.png", full_page=True)

    # The second thumbnail swaps the main picture without leaving the page.
    main_image = page.locator("[data-gallery-main]")
    first_src = main_image.get_attribute("src")
    page.locator("[data-gallery-thumb]").nth(1).click()
    assert main_image.get_attribute("src") != first_src

    # Nothing sideways-scrolls on a phone, nothing comes from another host, nothing broke.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert foreign_requests == []
    assert [url for url in failed if "/api/cart/" not in url] == []
    assert errors == []
    context.close()


def test_keyboard_user_can_skip_to_content_and_search(browser, live_server, storefront):
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(live_server.url + "/en/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    page.locator("#site-search").focus()
    page.keyboard.type("ម្រេច")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")
    # The two products with a Khmer name containing ម្រេច (pepper).
    assert page.locator(".product-card").count() == 2
    page.close()


def test_every_image_has_alt_text_and_every_field_a_label(browser, live_server, storefront):
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    for path in ["/", storefront["category"].url, storefront["products"][0].url]:
        page.goto(live_server.url + path)
        missing_alt = page.evaluate(
            "[...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src)"
        )
        assert missing_alt == [], path
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
               .filter(f => !(f.labels && f.labels.length) && !f.getAttribute('aria-label'))
               .map(f => f.name)"""
        )
        assert unlabelled == [], path
    page.close()


def test_phone_layout_fits_360px(browser, live_server, storefront):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    for path in ["/", storefront["category"].url, storefront["products"][0].url, "/en/search/?q=x"]:
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.close()


def test_a_category_menu_wider_than_a_phone_shows_it_scrolls(browser, live_server, shop):
    for title in ("Textiles & Clothing", "Food & Drink", "Home & Living", "Beauty & Wellbeing"):
        make_category(title=title, show_in_menus=True)
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(live_server.url + "/en/")
    row = page.locator(".category-nav ul")
    assert row.evaluate("ul => ul.scrollWidth > ul.clientWidth")
    assert "has-more-after" in row.get_attribute("class")  # faded where labels are cut
    assert "has-more-before" not in row.get_attribute("class")
    row.evaluate("ul => ul.scrollTo(ul.scrollWidth, 0)")
    page.wait_for_function(
        "document.querySelector('.category-nav ul').classList.contains('has-more-before')"
    )
    assert "has-more-after" not in row.get_attribute("class")
    page.close()
