"""Importing and exporting products as spreadsheets, through the admin's own pages.

Pictures come from a real HTTP server on loopback started by the test; nothing reaches the
internet. Loopback is refused by default, so the tests that download a picture allow
127.0.0.1 the way an operator allows a file server of the shop's own
(``SHOP_IMPORT_IMAGE_ALLOWED_NETWORKS``).
"""

import contextlib
import csv
import io
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from PIL import Image as PILImage
from wagtail.models import PageLogEntry, Revision, Site

from backoffice.reports import FORMULA_STARTS
from catalog.bulk import importer, sheets
from catalog.bulk.images import (
    MAX_IMAGE_BYTES,
    ImageRefused,
    address_refused,
    check_url,
    fetch_image,
)
from catalog.inventory import reserve_stock
from catalog.models import (
    PRODUCT_ITSELF,
    CategoryPage,
    ProductPage,
    ProductVariant,
    StockAdjustment,
    StockRecord,
)
from tests.factories import home_page, make_image, make_product

pytestmark = pytest.mark.django_db

HEADERS = [
    "sku",
    "category",
    "title",
    "khmer_name",
    "summary",
    "summary_km",
    "price",
    "variant",
    "variant_km",
    "variant_sku",
    "variant_price",
    "stock",
    "image",
]


def csv_bytes(rows, headers=HEADERS, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(key, "") for key in headers])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(key) for key in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, name, content):
    return client.post(reverse("product_import:index"), {"file": SimpleUploadedFile(name, content)})


def token_of(response):
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "the dry run offers no confirmation"
    return found.group(1)


def confirm(client, dry_run):
    return client.post(reverse("product_import:confirm"), {"token": token_of(dry_run)})


def count_of(response, name):
    found = re.search(rf'data-count="{name}"><strong>(\d+)</strong>', response.content.decode())
    return int(found.group(1))


def errors_of(response):
    """``[(row, column, message)]`` from the dry run's error table."""
    html = response.content.decode()
    table = re.search(r"data-bulk-errors>(.*?)</table>", html, re.S)
    if not table:
        return []
    cells = re.findall(
        r'<tr class="bulk-row-error"><td>(.*?)</td><td>(?:<code>)?(.*?)(?:</code>)?</td>'
        r"<td>(.*?)</td></tr>",
        table.group(1),
        re.S,
    )
    return [(row, column, message) for row, column, message in cells]


def category(parent, title, slug):
    return parent.add_child(instance=CategoryPage(title=title, slug=slug))


@pytest.fixture
def clothing(shop):
    return category(home_page(), "Clothing", "clothing")


@pytest.fixture
def scarves(clothing):
    return category(clothing, "Scarves", "scarves")


NEW_ROWS = [
    {
        "sku": "SCARF-1",
        "category": "clothing/scarves",
        "title": "Silk Scarf",
        "khmer_name": "កន្សែងសូត្រ",
        "summary": "Hand-woven silk.",
        "summary_km": "សូត្រត្បាញដោយដៃ។",
        "price": "24.50",
        "stock": "7",
    },
    {
        "sku": "KRAMA-1",
        "category": "scarves",
        "title": "Krama",
        "khmer_name": "ក្រមា",
        "summary": "The Cambodian scarf.",
        "summary_km": "ក្រមាខ្មែរ។",
        "price": "6.00",
        "variant": "Red",
        "variant_km": "ក្រហម",
        "variant_sku": "KRAMA-1-RED",
        "stock": "3",
    },
    {
        "sku": "KRAMA-1",
        "variant": "Blue",
        "variant_km": "ខៀវ",
        "variant_sku": "KRAMA-1-BLUE",
        "variant_price": "6.50",
        "stock": "5",
    },
]


# --- dry run and confirmation ---------------------------------------------------------------


def test_the_dry_run_shows_what_would_happen_and_saves_nothing(admin_client, scarves):
    response = upload(admin_client, "products.csv", csv_bytes(NEW_ROWS))

    assert response.status_code == 200
    assert count_of(response, "create") == 2
    assert count_of(response, "update") == 0
    assert count_of(response, "errors") == 0
    assert not ProductPage.objects.exists()
    assert not ProductVariant.objects.exists()
    assert not StockAdjustment.objects.exists()
    assert token_of(response)


def test_confirming_creates_published_pages_in_both_languages_with_variants_and_stock(
    admin_client, admin_user, scarves
):
    dry_run = upload(admin_client, "products.csv", csv_bytes(NEW_ROWS))
    response = confirm(admin_client, dry_run)

    assert response.status_code == 200
    assert count_of(response, "created") == 2
    scarf = ProductPage.objects.get(sku="SCARF-1")
    assert scarf.live and scarf.get_parent().pk == scarves.pk
    assert (scarf.title, scarf.khmer_name) == ("Silk Scarf", "កន្សែងសូត្រ")
    assert (scarf.summary, scarf.summary_km) == ("Hand-woven silk.", "សូត្រត្បាញដោយដៃ។")
    assert scarf.price == Decimal("24.50")
    revisions = Revision.page_revisions.filter(object_id=str(scarf.pk))
    assert revisions.count() == 1
    revision = revisions.get()
    assert revision.user == admin_user
    assert revision.content["khmer_name"] == "កន្សែងសូត្រ"
    assert revision.content["summary_km"] == "សូត្រត្បាញដោយដៃ។"
    assert scarf.live_revision_id == revision.pk
    assert PageLogEntry.objects.filter(
        page=scarf, action="wagtail.publish", user=admin_user
    ).exists()

    krama = ProductPage.objects.get(sku="KRAMA-1")
    variants = list(krama.variants.order_by("sort_order"))
    assert [(v.name, v.name_km, v.sku, v.price) for v in variants] == [
        ("Red", "ក្រហម", "KRAMA-1-RED", None),
        ("Blue", "ខៀវ", "KRAMA-1-BLUE", Decimal("6.50")),
    ]
    revision_variants = krama.get_latest_revision().content["variants"]
    assert {v["name_km"] for v in revision_variants} == {"ក្រហម", "ខៀវ"}

    # Stock through the audited service: an adjustment row each, in the importer's name.
    levels = {
        record.variant_key: record.quantity for record in StockRecord.objects.filter(product=krama)
    }
    assert levels == {variants[0].pk: 3, variants[1].pk: 5}
    scarf_stock = StockRecord.objects.get(product=scarf, variant_key=PRODUCT_ITSELF)
    assert scarf_stock.quantity == 7
    adjustment = scarf_stock.adjustments.get()
    assert adjustment.reason == "Imported from products.csv"
    assert adjustment.user == admin_user
    assert (adjustment.quantity_before, adjustment.quantity_after) == (0, 7)
    assert StockAdjustment.objects.filter(record__product=krama, user=admin_user).count() == 2


def test_a_row_with_a_known_sku_updates_that_product(admin_client, admin_user, scarves):
    product = make_product(scarves, title="Silk Scarf", sku="SCARF-1", price="20.00", stock=4)
    before = Revision.page_revisions.filter(object_id=str(product.pk)).count()
    rows = [{"sku": "SCARF-1", "price": "22.00", "khmer_name": "កន្សែង", "stock": "9"}]
    dry_run = upload(
        admin_client, "prices.csv", csv_bytes(rows, ["sku", "price", "khmer_name", "stock"])
    )
    assert count_of(dry_run, "update") == 1
    assert "20.00 → 22.00" in dry_run.content.decode()

    confirm(admin_client, dry_run)

    product = ProductPage.objects.get(pk=product.pk)
    assert product.price == Decimal("22.00")
    assert product.khmer_name == "កន្សែង"
    assert product.title == "Silk Scarf"  # no title column: left alone
    assert ProductPage.objects.count() == 1
    revisions = Revision.page_revisions.filter(object_id=str(product.pk))
    assert revisions.count() == before + 1
    assert revisions.latest("created_at").user == admin_user
    record = StockRecord.objects.get(product=product, variant_key=PRODUCT_ITSELF)
    assert record.quantity == 9
    assert record.adjustments.filter(reason="Imported from prices.csv", user=admin_user).exists()


def test_an_empty_cell_changes_nothing(admin_client, scarves):
    product = make_product(
        scarves, sku="SCARF-1", price="20.00", khmer_name="កន្សែង", compare_at_price="25.00"
    )
    rows = [{"sku": "SCARF-1", "price": "21.00"}]  # every other column empty
    dry_run = upload(admin_client, "sparse.csv", csv_bytes(rows, [*HEADERS, "compare_at_price"]))
    assert count_of(dry_run, "update") == 1
    confirm(admin_client, dry_run)
    product = ProductPage.objects.get(pk=product.pk)
    assert product.price == Decimal("21.00")
    assert product.khmer_name == "កន្សែង"
    assert product.compare_at_price == Decimal("25.00")
    assert product.title and product.summary


def test_a_new_variant_sku_adds_a_variant_to_a_product(admin_client, admin_user, scarves):
    product = make_product(scarves, sku="KRAMA-1", variants=[("Red", None, 3)])
    red = product.variants.get()
    rows = [
        {"sku": "KRAMA-1", "variant": "Red", "variant_sku": red.sku, "stock": "3"},
        {
            "sku": "KRAMA-1",
            "variant": "Green",
            "variant_km": "បៃតង",
            "variant_sku": "K-GREEN",
            "variant_price": "7.25",
            "stock": "6",
        },
    ]
    headers = ["sku", "variant", "variant_km", "variant_sku", "variant_price", "stock"]
    dry_run = upload(admin_client, "variants.csv", csv_bytes(rows, headers))
    assert count_of(dry_run, "update") == 1, errors_of(dry_run)

    response = confirm(admin_client, dry_run)

    assert response.status_code == 200, errors_of(response)
    green = ProductVariant.objects.get(sku="K-GREEN")
    assert (green.product_id, green.name, green.name_km) == (product.pk, "Green", "បៃតង")
    assert green.price == Decimal("7.25")
    assert ProductVariant.objects.get(pk=red.pk).name == "Red"  # kept, same id
    record = StockRecord.objects.get(product=product, variant_key=green.pk)
    assert record.quantity == 6
    assert record.adjustments.get().user == admin_user
    latest = ProductPage.objects.get(pk=product.pk).get_latest_revision()
    assert latest.user == admin_user
    assert {v["name"] for v in latest.content["variants"]} == {"Red", "Green"}


def test_xlsx_files_import_like_csv(admin_client, scarves):
    rows = [dict(row) for row in NEW_ROWS]
    rows[0]["price"] = 24.5  # a number cell, as spreadsheets store prices
    rows[0]["stock"] = 7
    dry_run = upload(admin_client, "products.xlsx", xlsx_bytes(rows))
    assert count_of(dry_run, "create") == 2, errors_of(dry_run)

    confirm(admin_client, dry_run)

    scarf = ProductPage.objects.get(sku="SCARF-1")
    assert scarf.price == Decimal("24.50")
    assert scarf.khmer_name == "កន្សែងសូត្រ"
    assert StockRecord.objects.get(product=scarf).quantity == 7
    assert ProductVariant.objects.filter(product__sku="KRAMA-1").count() == 2


def test_row_errors_name_the_row_and_column_and_nothing_is_imported(admin_client, scarves):
    taken = make_product(scarves, sku="TAKEN", variants=[("S", None, 1)]).variants.get().sku
    good = {"category": "scarves", "title": "T", "summary": "S", "price": "1.00"}
    rows = [
        good | {"sku": "OK-1"},  # row 2 is fine
        good | {"sku": "NEG", "price": "-3.00"},  # row 3
        good | {"sku": "DEC", "price": "1.005"},  # row 4
        good | {"sku": "CAT", "category": "no/such/place"},  # row 5
        good | {"sku": "OK-1"},  # row 6: the same SKU again
        good | {"sku": "FORMULA", "title": '=HYPERLINK("http://x")'},  # row 7
        good | {"sku": "STOCK", "stock": "2.5"},  # row 8
        good | {"sku": "NOTITLE", "title": ""},  # row 9
        good | {"sku": taken},  # row 10: a variant's SKU as a product's
    ]
    response = upload(admin_client, "bad.csv", csv_bytes(rows))

    found = errors_of(response)
    columns = {(row, column) for row, column, _message in found}
    assert ("3", "price") in columns
    assert ("4", "price") in columns
    assert ("5", "category") in columns
    assert ("6", "sku") in columns
    assert ("7", "title") in columns
    assert ("8", "stock") in columns
    assert ("9", "title") in columns
    assert ("10", "sku") in columns
    messages = {(row, column): message for row, column, message in found}
    assert "negative" in messages[("3", "price")]
    assert "decimal places" in messages[("4", "price")]
    assert "no/such/place" in messages[("5", "category")]
    assert "row 2" in messages[("6", "sku")]
    assert "formula" in messages[("7", "title")].lower()
    assert "variant" in messages[("10", "sku")]
    assert "Nothing can be imported" in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    assert ProductPage.objects.count() == 1
    # And a confirmation cannot be forced.
    forced = admin_client.post(reverse("product_import:confirm"), {"token": "made-up"})
    assert forced.status_code == 302
    assert ProductPage.objects.count() == 1


def test_a_formula_in_an_xlsx_cell_is_an_error(admin_client, scarves):
    rows = [NEW_ROWS[0] | {"price": "=20+4.5"}]
    response = upload(admin_client, "formula.xlsx", xlsx_bytes(rows))
    assert ("2", "price") in {(row, column) for row, column, _m in errors_of(response)}
    assert not ProductPage.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("products.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
        ("products.xls", b"\xd0\xcf\x11\xe0", "Excel workbook (.xlsx)"),
        ("products.xlsx", b"sku,title\nA,B\n", "cannot be read as an Excel workbook"),
        ("products.xlsx", b"PK\x03\x04 broken zip", "cannot be read as an Excel workbook"),
        ("products.csv", "sku,title\nA,Café\n".encode("cp1252"), "not UTF-8 text (line 2)"),
        ("products.csv", "sku,title\nA,B\n".encode("utf-16"), "not UTF-8 text"),
        ("products.csv", b"title,price\nScarf,1.00\n", "no sku column"),
        ("products.csv", b"", "empty"),
        ("products.csv", b"sku,title\n", "no products"),
        ("products.csv", b"sku,price,Price\nA,1,2\n", "Two columns are both"),
    ],
)
def test_files_that_are_not_product_lists_get_a_clear_message(
    admin_client, scarves, name, content, expected
):
    response = upload(admin_client, name, content)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ProductPage.objects.exists()


def test_a_20_mb_file_is_refused_without_reading_it_all(admin_client, scarves):
    content = b"sku,title\n" + b"A" * (20 * 1024 * 1024)
    response = upload(admin_client, "huge.csv", content)
    assert response.status_code == 400
    assert "at most 5.0" in response.content.decode()


def test_too_many_rows_are_refused(admin_client, scarves):
    rows = [{"sku": f"S-{n}"} for n in range(sheets.MAX_ROWS + 1)]
    response = upload(admin_client, "many.csv", csv_bytes(rows, ["sku"]))
    assert response.status_code == 400
    assert "more than 1000 rows" in response.content.decode()


def test_a_sheet_formatted_far_down_reads_only_its_rows(admin_client, scarves):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([NEW_ROWS[0].get(key) for key in HEADERS])
    sheet.cell(row=500_000, column=1).font = Font(bold=True)  # formatting, no value
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(admin_client, "formatted.xlsx", buffer.getvalue())

    assert response.status_code == 200
    assert count_of(response, "create") == 1


def test_text_the_database_cannot_store_is_a_cell_error(admin_client, scarves):
    # A UTF-8-encoded lone surrogate: no MySQL utf8mb4 column can hold it.
    content = b"sku,category,title,summary,price\nA-1,scarves,Bad \xed\xa0\x80 text,S,1.00\n"
    response = upload(admin_client, "surrogate.csv", content)
    assert response.status_code == 200
    found = errors_of(response)
    assert [(row, column) for row, column, _m in found] == [("2", "title")]
    assert "cannot be stored" in found[0][2]
    assert not ProductPage.objects.exists()


def test_a_price_in_whole_riel_shops_has_no_decimals(admin_client, scarves, shop):
    shop.base_currency = "KHR"
    shop.save()
    rows = [NEW_ROWS[0] | {"price": "25000.50"}]
    response = upload(admin_client, "riel.csv", csv_bytes(rows))
    messages = {(r, c): m for r, c, m in errors_of(response)}
    assert "whole riel" in messages[("2", "price")]


# --- what the dry run protects ---------------------------------------------------------------


def test_a_made_up_confirmation_is_refused(admin_client, scarves):
    upload(admin_client, "products.csv", csv_bytes(NEW_ROWS))
    for token in ("ü", "", "x" * 5000):
        response = admin_client.post(reverse("product_import:confirm"), {"token": token})
        assert response.status_code == 302
    assert admin_client.get(reverse("product_import:confirm")).status_code == 405
    assert not ProductPage.objects.exists()


def test_confirming_twice_imports_once(admin_client, scarves):
    dry_run = upload(admin_client, "products.csv", csv_bytes(NEW_ROWS))
    confirm(admin_client, dry_run)
    again = confirm(admin_client, dry_run)
    assert again.status_code == 302
    assert ProductPage.objects.filter(sku="SCARF-1").count() == 1


def test_a_catalog_change_after_the_dry_run_shows_the_new_plan_instead(admin_client, scarves):
    product = make_product(scarves, sku="SCARF-1", price="20.00")
    rows = [{"sku": "SCARF-1", "price": "22.00"}]
    dry_run = upload(admin_client, "prices.csv", csv_bytes(rows, ["sku", "price"]))
    product.price = Decimal("22.00")  # someone else set the same price meanwhile
    product.save_revision().publish()
    revisions = Revision.page_revisions.filter(object_id=str(product.pk)).count()

    response = confirm(admin_client, dry_run)

    assert response.status_code == 409
    assert "The catalog changed since the dry run" in response.content.decode()
    assert count_of(response, "unchanged") == 1
    assert Revision.page_revisions.filter(object_id=str(product.pk)).count() == revisions


def test_stock_is_measured_against_the_level_the_dry_run_showed(admin_client, scarves):
    product = make_product(scarves, sku="SCARF-1", stock=10)
    dry_run = upload(admin_client, "count.csv", csv_bytes([{"sku": "SCARF-1", "stock": "15"}]))
    with transaction.atomic():  # an order takes 2 while staff look at the dry run
        reserve_stock({(product.pk, PRODUCT_ITSELF): 2})

    confirm(admin_client, dry_run)

    assert StockRecord.objects.get(product=product).quantity == 13


def test_a_big_file_is_imported_in_parts_each_checked_again(admin_client, scarves, monkeypatch):
    # Each request starts no new product once its time is up (at least one per request).
    monkeypatch.setattr(importer, "APPLY_SECONDS", 0)
    dry_run = upload(admin_client, "products.csv", csv_bytes(NEW_ROWS))

    first = confirm(admin_client, dry_run)
    assert first.status_code == 200
    assert count_of(first, "created") == 1
    assert "1 more product is still to import" in first.content.decode()
    assert ProductPage.objects.count() == 1

    second = confirm(admin_client, first)  # the page's "Continue the import"
    assert count_of(second, "created") == 1
    assert 'name="token"' not in second.content.decode()
    assert set(ProductPage.objects.values_list("sku", flat=True)) == {"SCARF-1", "KRAMA-1"}
    assert ProductVariant.objects.count() == 2


def test_the_rest_of_a_big_file_is_checked_before_it_continues(admin_client, scarves, monkeypatch):
    monkeypatch.setattr(importer, "APPLY_SECONDS", 0)
    dry_run = upload(admin_client, "products.csv", csv_bytes(NEW_ROWS))
    first = confirm(admin_client, dry_run)
    # Someone else makes KRAMA-1 before staff continue: the rest is no longer what they saw.
    make_product(scarves, sku="KRAMA-1", title="Another krama")

    response = confirm(admin_client, first)

    assert response.status_code == 409
    assert "The catalog changed since the dry run" in response.content.decode()
    assert ProductPage.objects.get(sku="KRAMA-1").title == "Another krama"


def test_a_product_that_cannot_be_saved_stops_the_import_there(admin_user, scarves):
    rows = [
        NEW_ROWS[0],
        NEW_ROWS[0] | {"sku": "SCARF-2", "title": "Second scarf"},
        NEW_ROWS[0] | {"sku": "SCARF-3", "title": "Third scarf"},
    ]
    sheet = sheets.read_upload(SimpleUploadedFile("p.csv", csv_bytes(rows)))
    plan = importer.plan_import(sheet, admin_user, Site.objects.get(is_default_site=True))
    assert plan.errors == []
    make_product(scarves, sku="SCARF-2")  # taken between the dry run and the confirmation

    result = importer.apply_plan(plan, admin_user)

    assert [page.sku for page in result.created] == ["SCARF-1"]
    assert result.failed.row == 3 and "SCARF-2" in result.failed.message
    assert result.remaining == ["SCARF-3"]
    assert not ProductPage.objects.filter(sku="SCARF-3").exists()


def test_a_product_with_unpublished_changes_is_not_published_over(admin_client, scarves):
    product = make_product(scarves, sku="SCARF-1", price="20.00")
    product.summary = "A draft someone is writing."
    product.save_revision()
    response = upload(admin_client, "p.csv", csv_bytes([{"sku": "SCARF-1", "price": "30.00"}]))
    messages = {(r, c): m for r, c, m in errors_of(response)}
    assert "not published yet" in messages[("2", "sku")]


def test_an_unpublished_product_is_not_published_by_an_import(admin_client, scarves):
    product = make_product(scarves, sku="SCARF-1", price="20.00")
    product.unpublish()
    response = upload(admin_client, "p.csv", csv_bytes([{"sku": "SCARF-1", "price": "30.00"}]))
    messages = {(r, c): m for r, c, m in errors_of(response)}
    assert "not published" in messages[("2", "sku")]
    assert not ProductPage.objects.get(pk=product.pk).live


def test_staff_without_the_stock_permission_cannot_import_stock(client, scarves):
    make_product(scarves, sku="SCARF-1", stock=2)
    moderator = User.objects.create_user("dara", "dara@example.com", "pw-123456")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    response = upload(
        client, "s.csv", csv_bytes([{"sku": "SCARF-1", "stock": "9"}], ["sku", "stock"])
    )
    messages = {(r, c): m for r, c, m in errors_of(response)}
    assert "permission to change stock" in messages[("2", "stock")]
    # Without the stock column, the same person may update prices.
    response = upload(
        client, "p.csv", csv_bytes([{"sku": "SCARF-1", "price": "3.00"}], ["sku", "price"])
    )
    assert count_of(response, "update") == 1
    # The export leaves out the stock they may not see.
    exported = client.get(reverse("product_import:export"), {"format": "csv"})
    assert "stock" not in exported.content.decode("utf-8-sig").splitlines()[0].split(",")


@pytest.mark.parametrize("group", ["Editors", "Shop staff"])
def test_staff_who_may_not_publish_pages_cannot_import(client, scarves, group):
    user = User.objects.create_user("vibol", "vibol@example.com", "pw-123456")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    for name in ("product_import:index", "product_import:export"):
        assert client.get(reverse(name)).status_code in (302, 403)
    response = upload(client, "products.csv", csv_bytes(NEW_ROWS))
    assert response.status_code in (302, 403)
    assert not ProductPage.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("product_import:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def catalog(scarves):
    make_product(
        scarves,
        title="Silk Scarf",
        sku="SCARF-1",
        price="24.50",
        stock=7,
        khmer_name="កន្សែងសូត្រ",
        summary_km="សូត្រ។",
        images=[make_image()],
    )
    make_product(
        scarves,
        title="Krama",
        sku="KRAMA-1",
        price="6.00",
        variants=[("Red", None, 3), ("Blue", "6.50", 5)],
    )
    make_product(scarves, title='=HYPERLINK("http://evil")', sku="EVIL-1", summary="-50% today")
    return scarves


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(admin_client, catalog, kind):
    exported = admin_client.get(reverse("product_import:export"), {"format": kind})
    assert exported.status_code == 200
    assert f'.{kind}"' in exported["Content-Disposition"]
    revisions = Revision.objects.count()
    adjustments = StockAdjustment.objects.count()

    dry_run = upload(admin_client, f"products.{kind}", exported.content)

    assert errors_of(dry_run) == []
    assert count_of(dry_run, "unchanged") == 3
    assert count_of(dry_run, "create") == count_of(dry_run, "update") == 0
    assert "disabled" in re.search(
        r"<button[^>]*>Import these changes", dry_run.content.decode()
    ).group(0)
    assert Revision.objects.count() == revisions
    assert StockAdjustment.objects.count() == adjustments


def test_an_edited_export_imports_only_the_edit(admin_client, catalog):
    exported = admin_client.get(reverse("product_import:export"), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    blue = ProductVariant.objects.get(name="Blue")
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(headers, row, strict=True))
        if values["variant_sku"].value == blue.sku:
            values["stock"].value = 11
    buffer = io.BytesIO()
    workbook.save(buffer)

    dry_run = upload(admin_client, "edited.xlsx", buffer.getvalue())
    assert (count_of(dry_run, "update"), count_of(dry_run, "unchanged")) == (1, 2)
    confirm(admin_client, dry_run)
    assert StockRecord.objects.get(product=blue.product, variant_key=blue.pk).quantity == 11


def test_the_export_neutralises_formulas(admin_client, catalog):
    exported = admin_client.get(reverse("product_import:export"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    evil = next(row for row in rows if row["sku"] == "EVIL-1")
    assert evil["title"] == '\'=HYPERLINK("http://evil")'
    assert evil["summary"] == "'-50% today"
    assert evil["price"] == "10.00"

    exported = admin_client.get(reverse("product_import:export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_reader_unmarks_what_the_export_marks():
    assert set(sheets.MARKED_STARTS) == set(FORMULA_STARTS)
    assert sheets.unmark("'=SUM(A1)") == "=SUM(A1)"
    assert sheets.unmark("'tis") == "'tis"


def test_an_unknown_export_format_is_a_400(admin_client, shop):
    assert admin_client.get(reverse("product_import:export"), {"format": "pdf"}).status_code == 400


# --- pictures ---------------------------------------------------------------------------------


def png_bytes(size=(64, 48)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


class PictureServer:
    """A real HTTP server on 127.0.0.1 with a picture, a huge file, a web page and a
    redirect; it remembers every request it receives."""

    def __init__(self):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                if self.path == "/scarf.png":
                    self.reply(png_bytes())
                elif self.path == "/huge.png":
                    self.reply(png_bytes() + b"\0" * MAX_IMAGE_BYTES)
                elif self.path == "/endless.png":
                    # No Content-Length: the body ends when the connection closes.
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"\0" * 65536
                    for _n in range(MAX_IMAGE_BYTES // len(chunk) + 8):
                        try:
                            self.wfile.write(chunk)
                        except OSError:
                            return
                elif self.path == "/page.html":
                    self.reply(b"<html>not a picture</html>", "text/html")
                elif self.path == "/elsewhere":
                    self.send_response(302)
                    self.send_header("Location", f"http://127.0.0.2:{server.port}/scarf.png")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/moved":
                    self.send_response(301)
                    self.send_header("Location", "/scarf.png")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_error(404)

            def reply(self, body, kind="image/png"):
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # The shop hangs up on a file that is too big, as it should.
                with contextlib.suppress(OSError):
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def pictures():
    server = PictureServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def loopback_allowed(settings):
    """What an operator does to let imports fetch from a file server of their own."""
    settings.SHOP_IMPORT_IMAGE_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def test_a_picture_from_a_web_server_is_attached(admin_client, scarves, pictures, loopback_allowed):
    rows = [NEW_ROWS[0] | {"image": pictures.url("/scarf.png")}]
    dry_run = upload(admin_client, "products.csv", csv_bytes(rows))
    assert pictures.requests == []  # the dry run downloads nothing

    response = confirm(admin_client, dry_run)

    assert response.status_code == 200
    assert pictures.requests == ["/scarf.png"]
    product = ProductPage.objects.get(sku="SCARF-1")
    image = product.gallery_images.get().image
    assert (image.width, image.height) == (64, 48)
    assert image.file.name.endswith(".png")
    assert product.get_latest_revision().content["gallery_images"]
    # Importing the export again leaves the picture alone: nothing is fetched.
    exported = admin_client.get(reverse("product_import:export"), {"format": "csv"})
    again = upload(admin_client, "again.csv", exported.content)
    assert count_of(again, "unchanged") == 1


def test_a_redirect_is_followed_only_to_an_allowed_address(pictures, loopback_allowed):
    assert fetch_image(pictures.url("/moved")).format == "PNG"
    with pytest.raises(ImageRefused) as refused:
        fetch_image(pictures.url("/elsewhere"))  # to 127.0.0.2, which is not allowed
    assert "private or local network" in refused.value.message
    assert pictures.requests == ["/moved", "/scarf.png", "/elsewhere"]


def test_loopback_and_private_addresses_are_refused_by_default(admin_client, scarves, pictures):
    rows = [NEW_ROWS[0] | {"image": pictures.url("/scarf.png")}]
    response = upload(admin_client, "products.csv", csv_bytes(rows))

    messages = {(r, c): m for r, c, m in errors_of(response)}
    assert "private or local network" in messages[("2", "image")]
    with pytest.raises(ImageRefused):
        fetch_image(pictures.url("/scarf.png"))
    with pytest.raises(ImageRefused):
        check_url(f"http://localhost:{pictures.port}/scarf.png")  # every address it resolves to
    assert pictures.requests == []  # refused before connecting


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.9.9.9",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.20",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104  (an address to refuse, not one to bind)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "not an address",
    ],
)
def test_the_address_check_refuses_every_non_public_address(address):
    assert address_refused(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_the_address_check_lets_public_addresses_through(address):
    assert not address_refused(address)


def test_an_allowed_network_lets_only_its_own_addresses_through():
    import ipaddress

    allowed = [ipaddress.ip_network("192.168.1.0/24")]
    assert not address_refused("192.168.1.20", allowed)
    assert address_refused("192.168.2.20", allowed)
    assert address_refused("127.0.0.1", allowed)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "http://user:pw@example.com/a.png",
        "http:///a.png",
        "http://[::1/",
    ],
)
def test_only_plain_http_and_https_addresses_are_fetched(url):
    with pytest.raises(ImageRefused):
        check_url(url)


@pytest.mark.parametrize("path", ["/huge.png", "/endless.png"])
def test_a_picture_over_the_size_limit_is_refused(pictures, loopback_allowed, path):
    with pytest.raises(ImageRefused) as refused:
        fetch_image(pictures.url(path))
    assert "larger than 5.0" in refused.value.message


def test_what_is_not_a_picture_is_refused(pictures, loopback_allowed):
    with pytest.raises(ImageRefused) as refused:
        fetch_image(pictures.url("/page.html"))
    assert "not a picture" in refused.value.message
    with pytest.raises(ImageRefused) as refused:
        fetch_image(pictures.url("/missing.png"))
    assert "404" in refused.value.message


def test_a_picture_that_fails_is_a_warning_and_the_product_is_saved_without_it(
    admin_client, scarves, pictures, loopback_allowed
):
    rows = [NEW_ROWS[0] | {"image": pictures.url("/huge.png")}]
    dry_run = upload(admin_client, "products.csv", csv_bytes(rows))
    response = confirm(admin_client, dry_run)

    assert response.status_code == 200
    warnings = re.search(r"data-bulk-warnings>(.*?)</ul>", response.content.decode(), re.S)
    assert "Row 2" in warnings.group(1) and "larger than 5.0" in warnings.group(1)
    product = ProductPage.objects.get(sku="SCARF-1")
    assert not product.gallery_images.exists()


def test_the_import_pages_are_in_the_shop_menu(admin_client, shop):
    response = admin_client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert reverse("product_import:index") in html
    assert reverse("bulk_stock:index") in html


def test_the_start_page_explains_the_format(admin_client, shop):
    html = admin_client.get(reverse("product_import:index")).content.decode()
    assert "All or nothing" in html
    for key in HEADERS:
        assert f"<code>{key}</code>" in html
