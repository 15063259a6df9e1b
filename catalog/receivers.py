"""The catalog's side effects, connected in ``CatalogConfig.ready``: stock records follow
what editors publish, and cached pages follow the stock they show."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from catalog.events import stock_display_changed
from catalog.inventory import ensure_stock_records
from catalog.models import ProductPage, StockRecord
from kernel.cache_tags import LISTINGS, bump, bump_version, product_tag


def create_stock_records_on_publish(sender, instance, **kwargs):
    ensure_stock_records(instance)


def stale_pages_for_stock(sender, product_ids=(), listings=False, **kwargs):
    """A product's page when the stock it shows changed; every page with product cards when
    an item sold out or came back."""
    tags = [product_tag(product_id) for product_id in product_ids]
    if listings:
        tags.append(LISTINGS)
    if tags:
        bump(*sorted(tags))


def stock_record_saved(sender, **kwargs):
    # A level or threshold changed by hand: everything showing stock may differ.
    bump_version()


def connect():
    page_published.connect(
        create_stock_records_on_publish, sender=ProductPage, dispatch_uid="catalog.stock_records"
    )
    stock_display_changed.connect(stale_pages_for_stock, dispatch_uid="catalog.stale_pages")
    for signal in (post_save, post_delete):
        signal.connect(
            stock_record_saved, sender=StockRecord, dispatch_uid=f"catalog.stock_saved.{id(signal)}"
        )
