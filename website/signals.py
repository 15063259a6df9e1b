"""Changes that make cached storefront pages stale."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from website.page_cache import bump_version


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_changed(sender, **kwargs):
    bump_version()


@receiver(post_save)
@receiver(post_delete)
def content_saved(sender, instance, **kwargs):
    from wagtail.images import get_image_model

    from catalog.inventory import StockRecord
    from website.models import ShopSettings

    # An image edited or replaced gets new renditions: pages and cards must not keep the old.
    watched = (Page, Site, ShopSettings, StockRecord, PageViewRestriction, get_image_model())
    if isinstance(instance, watched):
        bump_version()
