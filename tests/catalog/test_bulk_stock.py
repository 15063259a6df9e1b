"""The bulk stock editor: many levels saved at once, each through the stock service, and a row
someone else changed meanwhile refused on its own."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from catalog.inventory import adjust_stock, reserve_stock
from catalog.models import PRODUCT_ITSELF, StockAdjustment, StockRecord
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db

URL = "bulk_stock:index"


def member_of(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.com", "pw-123456")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def staff(shop):
    return member_of("Shop staff", "sreyleak")


@pytest.fixture
def items(shop):
    """``{name: StockRecord}``: a product without variants and one with two."""
    category = make_category(title="Ceramics")
    bowl = make_product(category, title="Celadon Bowl", sku="BOWL-1", stock=5)
    cup = make_product(
        category, title="Tea Cup", sku="CUP-1", variants=[("Small", None, 2), ("Large", None, 8)]
    )
    small, large = cup.variants.order_by("sort_order")
    return {
        "bowl": StockRecord.objects.get(product=bowl, variant_key=PRODUCT_ITSELF),
        "small": StockRecord.objects.get(product=cup, variant_key=small.pk),
        "large": StockRecord.objects.get(product=cup, variant_key=large.pk),
    }


def shown(response):
    """``{record_id: (seen, value, state)}`` as the page shows them."""
    html = response.content.decode()
    rows = {}
    for record_id, state, body in re.findall(
        r'<tr data-record="(\d+)" data-state="(\w*)"[^>]*>(.*?)</tr>', html, re.S
    ):
        seen = re.search(rf'name="seen-{record_id}" value="(\d+)"', body).group(1)
        value = re.search(rf'name="quantity-{record_id}" value="([^"]*)"', body).group(1)
        rows[int(record_id)] = (int(seen), value, state)
    return rows


def post_levels(client, rows, reason="Stock count", query=""):
    """Post the editor's form: ``rows`` is ``{record_id: (seen, typed)}``."""
    data = {"record": [str(record_id) for record_id in rows], "reason": reason}
    for record_id, (seen, typed) in rows.items():
        data[f"seen-{record_id}"] = str(seen)
        data[f"quantity-{record_id}"] = str(typed)
    return client.post(reverse(URL) + query, data)


def level(record):
    return StockRecord.objects.get(pk=record.pk).quantity


def test_staff_see_every_sellable_item_with_its_sku_and_level(staff, items):
    response = staff[1].get(reverse(URL))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Celadon Bowl" in html and "Tea Cup" in html and "Small" in html
    assert "BOWL-1" in html
    rows = shown(response)
    assert {record_id: row[0] for record_id, row in rows.items()} == {
        items["bowl"].pk: 5,
        items["small"].pk: 2,
        items["large"].pk: 8,
    }


def test_saving_several_rows_changes_each_through_the_stock_service(staff, items):
    user, client = staff
    page = shown(client.get(reverse(URL)))
    typed = {items["bowl"].pk: 12, items["small"].pk: 0, items["large"].pk: 8}

    response = post_levels(
        client, {record_id: (page[record_id][0], typed[record_id]) for record_id in page}
    )

    assert response.status_code == 200
    assert (level(items["bowl"]), level(items["small"]), level(items["large"])) == (12, 0, 8)
    adjustments = StockAdjustment.objects.filter(reason="Stock count", user=user)
    assert sorted(
        (a.record_id, a.quantity_before, a.quantity_after) for a in adjustments
    ) == sorted(
        [(items["bowl"].pk, 5, 12), (items["small"].pk, 2, 0)]
    )  # the unchanged row made no audit row
    html = response.content.decode()
    assert "Saved 2 stock levels." in html
    after = shown(response)
    assert after[items["bowl"].pk] == (12, "12", "saved")
    assert after[items["large"].pk] == (8, "8", "")


def test_a_row_changed_meanwhile_is_refused_and_the_others_are_saved(staff, items):
    user, client = staff
    page = shown(client.get(reverse(URL)))
    # While the page is open, an order takes 1 small cup and a colleague counts the bowls.
    with transaction.atomic():
        reserve_stock({(items["small"].product_id, items["small"].variant_key): 1})
    colleague = User.objects.create_user("dara", "dara@example.com", "pw")
    adjust_stock(items["bowl"].pk, 6, "Recount", by=colleague)

    response = post_levels(
        client,
        {
            items["bowl"].pk: (page[items["bowl"].pk][0], 20),
            items["small"].pk: (page[items["small"].pk][0], 4),
            items["large"].pk: (page[items["large"].pk][0], 1),
        },
    )

    assert response.status_code == 409
    assert level(items["bowl"]) == 6  # the colleague's count stands
    assert level(items["small"]) == 1  # the order's unit stays taken, nothing typed applied
    assert level(items["large"]) == 1  # saved
    assert not StockAdjustment.objects.filter(user=user, record=items["bowl"]).exists()
    html = response.content.decode()
    assert "Saved 1 stock level." in html
    assert "2 rows were not saved" in html
    assert "the level changed to 6 while you were editing" in html
    after = shown(response)
    # What was typed stays in the box, against the level that is there now.
    assert after[items["bowl"].pk] == (6, "20", "error")
    assert after[items["small"].pk] == (1, "4", "error")
    assert after[items["large"].pk] == (1, "1", "saved")

    # Saving again, having seen the new levels, sets what was typed.
    again = post_levels(
        client,
        {record_id: (seen, value) for record_id, (seen, value, _state) in after.items()},
        reason="Stock count, checked",
    )
    assert again.status_code == 200
    assert (level(items["bowl"]), level(items["small"]), level(items["large"])) == (20, 4, 1)


def test_sending_the_same_form_twice_changes_nothing_the_second_time(staff, items):
    _user, client = staff
    rows = {items["bowl"].pk: (5, 9)}
    assert post_levels(client, rows).status_code == 200
    assert post_levels(client, rows).status_code == 409  # the level it saw is gone
    assert level(items["bowl"]) == 9
    assert StockAdjustment.objects.filter(record=items["bowl"], reason="Stock count").count() == 1


def test_a_reason_is_required(staff, items):
    response = post_levels(staff[1], {items["bowl"].pk: (5, 9)}, reason=" ")
    assert response.status_code == 400
    assert "Say why the stock levels change." in response.content.decode()
    assert level(items["bowl"]) == 5


def test_a_level_that_is_not_a_whole_number_refuses_only_its_row(staff, items):
    response = post_levels(
        staff[1],
        {
            items["bowl"].pk: (5, "-1"),
            items["small"].pk: (2, "two"),
            items["large"].pk: (8, 10),
        },
    )
    assert response.status_code == 400
    assert (level(items["bowl"]), level(items["small"]), level(items["large"])) == (5, 2, 10)
    after = shown(response)
    assert after[items["bowl"].pk] == (5, "-1", "error")
    assert after[items["small"].pk] == (2, "two", "error")
    assert "A stock level is a whole number, 0 or more." in response.content.decode()


def test_nothing_changed_saves_nothing(staff, items):
    response = post_levels(staff[1], {items["bowl"].pk: (5, 5)})
    assert response.status_code == 200
    assert "No stock level was changed." in response.content.decode()
    assert not StockAdjustment.objects.filter(reason="Stock count").exists()


def test_search_finds_a_variant_by_its_sku(staff, items):
    small = items["small"]
    sku = small.product.variants.get(pk=small.variant_key).sku
    response = staff[1].get(reverse(URL), {"q": sku})
    assert set(shown(response)) == {small.pk}


def test_the_form_keeps_the_search_and_page_it_was_sent_from(staff, items):
    response = staff[1].get(reverse(URL), {"q": "Tea"})
    assert 'action="/admin/bulk_stock/?q=Tea"' in response.content.decode()
    saved = post_levels(staff[1], {items["small"].pk: (2, 3)}, query="?q=Tea")
    assert set(shown(saved)) == {items["small"].pk, items["large"].pk}


def test_editors_and_visitors_cannot_use_it(items):
    _user, editor = member_of("Editors", "vibol")
    assert editor.get(reverse(URL)).status_code in (302, 403)
    assert post_levels(editor, {items["bowl"].pk: (5, 50)}).status_code in (302, 403)
    assert level(items["bowl"]) == 5
    response = Client().get(reverse(URL))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_looking_at_stock_is_not_enough_to_change_it(items):
    user = User.objects.create_user("sokha", "sokha@example.com", "pw-123456")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_stockrecord"),
    )
    client = Client()
    client.force_login(user)
    assert post_levels(client, {items["bowl"].pk: (5, 50)}).status_code in (302, 403)
    assert level(items["bowl"]) == 5


def test_made_up_form_data_is_refused_without_an_error_page(staff, items):
    _user, client = staff
    response = client.post(
        reverse(URL),
        {
            "record": ["x", "99999999999999999999999", "٣", str(items["bowl"].pk)],
            f"seen-{items['bowl'].pk}": "٥",
            f"quantity-{items['bowl'].pk}": "9" * 40,
            "reason": "Stock count",
        },
    )
    assert response.status_code == 400
    assert level(items["bowl"]) == 5
