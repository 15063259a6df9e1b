"""Changes that make every cached storefront page stale: publishing, moving and deleting
pages, site settings, sites, view restrictions and images (an edited image gets new
renditions). Connected in ``KernelConfig.ready``; apps add their own (``catalog.receivers``)."""

from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from kernel.cache_tags import bump_version
from kernel.models import ShopSettings


def site_changed(sender, **kwargs):
    bump_version()


def connect():
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(site_changed, dispatch_uid=f"kernel.site_changed.{id(signal)}")
    watched = (Page, Site, ShopSettings, PageViewRestriction, get_image_model())

    def content_saved(sender, instance, **kwargs):
        if isinstance(instance, watched):
            bump_version()

    for signal in (post_save, post_delete):
        signal.connect(content_saved, weak=False, dispatch_uid=f"kernel.content_saved.{id(signal)}")
