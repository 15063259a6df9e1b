"""Information pages: about the shop, delivery and payment, returns, privacy, terms.

Written in English and Khmer like every page (``KhmerPage``), with the blocks product
descriptions use. Pages marked "Show in menus" are linked from every page's footer.
"""

from django.db import models
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from catalog.blocks import BaseStreamBlock
from catalog.models.pages import KhmerPage, khmer_tabs, khmer_title_field
from kernel.page_cache import CacheablePageMixin


class ContentPage(CacheablePageMixin, KhmerPage, Page):
    """A page of text and pictures, such as "Returns and refunds"."""

    intro = models.TextField(
        gettext_lazy("Intro"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("One or two sentences under the title."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, use_json_field=True)
    title_km = khmer_title_field()
    intro_km = models.TextField(gettext_lazy("Intro"), max_length=300, blank=True)
    body_km = StreamField(
        BaseStreamBlock(), blank=True, use_json_field=True, verbose_name=gettext_lazy("Body")
    )
    khmer_fields = KhmerPage.khmer_fields | {"intro": "intro_km", "body": "body_km"}

    content_panels = Page.content_panels + [
        FieldPanel("intro", heading=gettext_lazy("Intro")),
        FieldPanel("body", heading=gettext_lazy("Body")),
    ]
    edit_handler = khmer_tabs(
        content_panels, [FieldPanel("title_km"), FieldPanel("intro_km"), FieldPanel("body_km")]
    )
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("intro_km")]

    parent_page_types = ["catalog.HomePage", "catalog.ContentPage"]
    subpage_types = ["catalog.ContentPage"]

    class Meta:
        verbose_name = gettext_lazy("information page")
        verbose_name_plural = gettext_lazy("information pages")
