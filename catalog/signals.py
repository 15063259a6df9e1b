"""Keep stock records in step with what editors publish."""

from django.dispatch import receiver
from wagtail.signals import page_published

from catalog.inventory import ensure_stock_records
from catalog.models import ProductPage


@receiver(page_published, sender=ProductPage)
def create_stock_records_on_publish(sender, instance, **kwargs):
    ensure_stock_records(instance)
