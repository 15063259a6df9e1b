"""The storefront page cache: fast for anonymous visitors, never stale, never personal."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.inventory import set_stock
from catalog.models import StockRecord
from checkout.models import Cart, CartLine
from checkout.orders import cancel_by_shopper, place_order
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop):
    return make_product(
        make_category(title="Pepper"), title="Kampot Pepper", price="8.90", stock=10
    )


def test_anonymous_visitors_get_cached_pages_without_touching_the_database(client, product):
    first = client.get(product.url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(product.url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content


def test_publishing_makes_cached_pages_stale(client, product):
    client.get(product.url)
    product.title = "Kampot Red Pepper"
    product.save_revision().publish()
    response = client.get(product.url)
    assert response["X-Page-Cache"] == "miss"
    assert b"Kampot Red Pepper" in response.content


def test_a_sale_shows_at_once(client, product, details, shop, delivery):
    set_stock(product, 3)
    assert b"Only 3 left" in client.get(product.url).content
    assert client.get(product.url)["X-Page-Cache"] == "hit"
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=3)
    place_order(cart, details, shop)
    page = client.get(product.url)
    assert page["X-Page-Cache"] == "miss"
    assert b"Sold out" in page.content


def test_shoppers_with_a_cart_share_cached_pages_which_hold_nothing_of_theirs(product):
    shopper = Client()
    shopper.post("/en/cart/add/", {"product_id": product.pk, "quantity": "1"})
    shopper.get("/en/cart/")  # reads and clears the "added" message
    assert "sessionid" in shopper.cookies
    first = shopper.get(product.url)
    assert first["X-Page-Cache"] == "miss"
    assert b"csrfmiddlewaretoken" not in first.content
    visitor = Client()
    shared = visitor.get(product.url)
    assert shared["X-Page-Cache"] == "hit"
    assert b"message--success" not in shared.content  # the shopper's "added" message


def test_logged_in_users_always_get_fresh_pages_with_the_userbar(product, admin_user):
    editor = Client()
    response = editor.post(
        "/admin/login/", {"username": admin_user.username, "password": "password"}
    )
    assert response.status_code == 302
    assert editor.cookies["shop_auth"].value == "1"
    page = editor.get(product.url)
    assert "X-Page-Cache" not in page
    assert b"wagtail-userbar" in page.content
    editor.post("/admin/logout/")
    assert editor.cookies["shop_auth"].value == ""  # cleared at logout


def test_cached_pages_hold_nothing_personal(client, product):
    html = client.get(product.url).content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "data-cart-count-value>0<" in html  # the badge is filled by /api/cart/ in the browser
    assert client.get(product.url)["X-Page-Cache"] == "hit"


def test_visitors_with_messages_bypass_the_cache(client, product):
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in client.get(product.url)


def test_editors_previews_are_never_served_to_visitors(admin_client, client, product):
    client.get(product.url)
    product.title = "Secret draft title"
    product.save_revision()  # a draft, not published
    preview = admin_client.get(f"/admin/pages/{product.pk}/edit/preview/")
    assert preview.status_code in (200, 405)
    page = client.get(product.url)
    assert b"Secret draft title" not in page.content


def test_not_found_pages_are_not_cached(client, product):
    assert "X-Page-Cache" not in client.get("/no-such-page/")
    assert "X-Page-Cache" not in client.get("/no-such-page/")


def test_search_results_are_cached_per_query_and_made_stale_by_publishing(client, product):
    first = client.get("/en/search/", {"q": "pepper"})
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/en/search/", {"q": "pepper"})
    assert again["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert client.get("/en/search/", {"q": "kampot"})["X-Page-Cache"] == "miss"
    product.title = "Kampot Red Pepper"
    product.save_revision().publish()
    fresh = client.get("/en/search/", {"q": "pepper"})
    assert fresh["X-Page-Cache"] == "miss"
    assert b"Kampot Red Pepper" in fresh.content


def test_odd_long_query_strings_are_served_fresh_not_stored(client, product):
    url = product.url + "?sort=" + "x" * 400
    assert client.get(url).status_code == 200
    assert "X-Page-Cache" not in client.get(url)


# --- what a sale makes stale ------------------------------------------------------------------


def _sell(product, quantity, details, shop, variant=None):
    cart = Cart.objects.create()
    CartLine.objects.create(
        cart=cart, product=product, variant_key=variant.pk if variant else 0, quantity=quantity
    )
    order, _ = place_order(cart, details, shop)
    return order


def test_a_sale_with_plenty_left_keeps_every_page_cached(client, product, details, shop):
    set_stock(product, 20)  # threshold 3
    category = product.get_parent()
    pages = [product.url, category.url, "/en/", "/en/search/?q=pepper"]
    for url in pages:
        assert client.get(url)["X-Page-Cache"] == "miss"
    _sell(product, 2, details, shop)
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit", url
    assert b"In stock" in client.get(product.url).content
    assert StockRecord.objects.get(product=product).quantity == 18


def test_entering_the_low_stock_range_refreshes_only_the_product_page(
    client, product, details, shop
):
    set_stock(product, 5)
    category = product.get_parent()
    client.get(product.url), client.get(category.url)
    _sell(product, 2, details, shop)  # 3 left: at the threshold
    page = client.get(product.url)
    assert page["X-Page-Cache"] == "miss"
    assert b"Only 3 left" in page.content
    assert b'max="3"' in page.content
    assert client.get(category.url)["X-Page-Cache"] == "hit"  # cards show no counts
    _sell(product, 1, details, shop)  # every further sale changes the count shown
    assert b"Only 2 left" in client.get(product.url).content


def test_selling_out_and_coming_back_refreshes_cards_everywhere(client, product, details, shop):
    set_stock(product, 2)
    other = make_product(product.get_parent(), title="Palm Sugar", stock=9)
    category = product.get_parent()
    pages = [product.url, other.url, category.url, "/en/", "/en/search/?q=pepper"]
    for url in pages:
        client.get(url)
    order = _sell(product, 2, details, shop)
    for url in pages:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
    assert b"Sold out" in client.get(category.url).content
    assert b"Sold out" in client.get("/en/search/?q=pepper").content
    cancel_by_shopper(order)
    back = client.get(category.url)
    assert back["X-Page-Cache"] == "miss"
    assert b"Sold out" not in back.content
    assert b"Only 2 left" in client.get(product.url).content


def test_a_variant_selling_out_refreshes_its_product_page(client, details, shop):
    product = make_product(
        make_category(title="Scarves"),
        title="Krama",
        variants=[("Red", None, 10), ("Blue", None, 1)],
    )
    red, blue = product.variants.order_by("sort_order")
    assert b"(sold out)" not in client.get(product.url).content
    _sell(product, 1, details, shop, variant=blue)
    page = client.get(product.url)
    assert page["X-Page-Cache"] == "miss"
    assert b"(sold out)" in page.content
    _sell(product, 1, details, shop, variant=red)  # the page shows exact counts now
    assert client.get(product.url)["X-Page-Cache"] == "miss"


def test_a_lost_version_counts_as_a_change(client, product):
    from django.core.cache import cache

    client.get(product.url)
    assert client.get(product.url)["X-Page-Cache"] == "hit"
    assert cache.get("pagecache:tag:site")  # set when the product was published
    cache.delete("pagecache:tag:site")  # evicted, or the cache restarted
    assert client.get(product.url)["X-Page-Cache"] == "miss"


def test_stock_edited_by_hand_refreshes_every_page(client, product):
    client.get(product.url)
    record = StockRecord.objects.get(product=product)
    record.quantity = 0
    record.save()
    page = client.get(product.url)
    assert page["X-Page-Cache"] == "miss"
    assert b"Sold out" in page.content


@pytest.mark.parametrize(
    "before, after, changed",
    [
        ([(0, 20, 3)], [(0, 18, 3)], False),  # plenty left: nothing shown changes
        ([(0, 5, 3)], [(0, 3, 3)], True),  # enters the low range
        ([(0, 3, 3)], [(0, 2, 3)], True),  # "only 3 left" becomes "only 2 left"
        ([(0, 1, 0)], [(0, 0, 0)], True),  # sold out with no threshold
        ([(1, 20, 3), (2, 9, 3)], [(1, 19, 3), (2, 9, 3)], False),
        # A low variant makes every count visible (the page may show their sum).
        ([(1, 2, 10), (2, 5, 3)], [(1, 2, 10), (2, 4, 3)], True),
    ],
)
def test_what_counts_as_a_change_of_the_stock_shown(before, after, changed):
    from catalog.inventory import _shown_stock

    assert (_shown_stock(before) != _shown_stock(after)) is changed


# --- product cards ------------------------------------------------------------------------


def test_cards_are_made_once_and_shared_by_every_page_that_shows_them(client, product):
    from django.core.cache import cache

    category = product.get_parent()
    first = client.get(category.url).content.decode()
    card_keys = [key for key in cache._cache if ":card:" in key]  # locmem keys
    assert len(card_keys) == 1
    card = cache.get(card_keys[0].split(":", 2)[2])
    assert "Kampot Pepper" in card and card in first
    # The search page shows the same card, taken from the cache (no image or price work).
    with CaptureQueriesContext(connection) as queries:
        search = client.get("/en/search/", {"q": "pepper"}).content.decode()
    assert card in search
    # Nothing read for the card: no product row again, no picture, no rendition.
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "wagtailimages_rendition" not in sql and "catalog_productimage" not in sql
    # Stock is read only by the search itself (it lists what can be bought first), never to
    # make the card again.
    stock_reads = [q["sql"] for q in queries.captured_queries if "catalog_stockrecord" in q["sql"]]
    assert stock_reads and all("pepper" in query for query in stock_reads), stock_reads


def test_logged_in_editors_get_cards_rendered_fresh(product, admin_user):
    from django.core.cache import cache

    editor = Client()
    editor.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    page = editor.get(product.get_parent().url)
    assert b"Kampot Pepper" in page.content
    assert not [key for key in cache._cache if ":card:" in key]


def test_an_edited_image_refreshes_pages_and_cards(client, shop):
    from tests.factories import make_image

    image = make_image("Pepper jar")
    product = make_product(make_category(title="Jars"), title="Pepper Jar", images=[image])
    category = product.get_parent()
    client.get(category.url)
    assert client.get(category.url)["X-Page-Cache"] == "hit"
    image.title = "Pepper jar, new photo"
    image.save()
    assert client.get(category.url)["X-Page-Cache"] == "miss"


# --- hostile traffic (issue 12) --------------------------------------------------------------


def test_a_hit_carries_the_headers_the_page_was_served_with(client, product, settings):
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    miss = client.get(product.url)
    hit = client.get(product.url)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    # XFrameOptionsMiddleware sits below the cache: a hit never passes through it.
    assert hit["X-Frame-Options"] == miss["X-Frame-Options"] == "SAMEORIGIN"
    assert hit["Content-Type"] == miss["Content-Type"]
    assert not hit.cookies


def test_campaign_parameters_share_the_page_and_do_not_reach_it(client, shop):
    category = make_category(title="Pepper")
    for number in range(30):  # two pages of products: the pager links carry the query
        make_product(category, title=f"Pepper {number}", stock=3)
    url = category.url + "?page=2"
    assert client.get(url)["X-Page-Cache"] == "miss"
    for tracking in (
        "&utm_source=facebook&utm_campaign=khmer-new-year",
        "&fbclid=IwAR0abc",
        "&gclid=xyz&utm_medium=cpc",
        "&utm_source=telegram-1",
        "&utm_source=telegram-2",
    ):
        response = client.get(url + tracking)
        assert response["X-Page-Cache"] == "hit", tracking
        assert b"utm_" not in response.content and b"clid" not in response.content


def test_parameters_a_page_does_not_read_are_served_fresh_and_not_stored(client, product):
    for value in range(3):
        response = client.get(f"{product.url}?x={value}")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response


def test_the_port_in_the_host_header_makes_no_new_cache_entry(client, product, settings):
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    assert client.get(product.url, HTTP_HOST="shop.example.com")["X-Page-Cache"] == "miss"
    for port in (1, 2, 8080, 65535):
        response = client.get(product.url, HTTP_HOST=f"Shop.Example.COM:{port}")
        assert response["X-Page-Cache"] == "hit", port
    assert client.get(product.url, HTTP_HOST="evil.example").status_code == 400


def test_host_variants_are_remembered_once(client, product, settings):
    from kernel import memo

    settings.ALLOWED_HOSTS = ["shop.example.com"]
    memo._remembered.clear()
    for port in range(1, 200):
        client.get("/api/cart/", HTTP_HOST=f"shop.example.com:{port}")
    sites = [key for key in memo._remembered if key[0] == "site"]
    assert len(sites) == 1, sites[:5]


def test_the_memo_is_bounded_whatever_the_host_names(client, product, settings):
    from kernel import memo

    settings.ALLOWED_HOSTS = [".example.com"]  # a wildcard: any number of names pass
    for number in range(memo.MAX_REMEMBERED * 2):
        client.get("/api/cart/", HTTP_HOST=f"n{number}.example.com")
    assert len(memo._remembered) <= memo.MAX_REMEMBERED
