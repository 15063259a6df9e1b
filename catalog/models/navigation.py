"""The footer's links, as editors set them: Settings → Footer links in the admin.

An ordered list per site, each link a page of the shop or an outside address, with its words
in English and Khmer. While the list is empty the footer links the information and contact
pages marked "Show in menus", as it did before editors could choose.

Every storefront page shows the footer and is cached whole (``kernel.page_cache``), and the
links are kept in each process's memo (``kernel.memo``): saving the setting makes every cached
page stale, the same way saving the shop's settings does.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable, Page

from catalog.models.contact import ContactPage
from catalog.models.content import ContentPage
from catalog.models.pages import for_shoppers
from kernel.bilingual import Bilingual
from kernel.cache_tags import bump_version

# What the footer needs of a page it links (its title in both languages and its URL).
LINKED_PAGE_FIELDS = ("id", "title", "title_km", "url_path", "path", "depth", "slug")


@register_setting(icon="list-ul")
class FooterLinks(Bilingual, ClusterableModel, BaseSiteSetting):
    """The links under "Information" in every page's footer."""

    heading = models.CharField(
        gettext_lazy("Heading"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy('Above the links. Leave empty for "Information".'),
    )
    heading_km = models.CharField(gettext_lazy("Heading in Khmer"), max_length=60, blank=True)
    khmer_fields = {"heading": "heading_km"}

    panels = [
        FieldRowPanel([FieldPanel("heading"), FieldPanel("heading_km")]),
        MultiFieldPanel(
            [InlinePanel("links", label=gettext_lazy("Link"))],
            heading=gettext_lazy("Links"),
            help_text=gettext_lazy(
                "Shown in this order. While there are none, the footer lists the information "
                'and contact pages marked "Show in menus".'
            ),
        ),
    ]

    class Meta:
        verbose_name = gettext_lazy("footer links")
        verbose_name_plural = gettext_lazy("footer links")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # the links themselves are written in here too
        # Every page shows the footer: cached pages and the memo are stale from now on.
        bump_version()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump_version()
        return result


class FooterLink(Bilingual, Orderable):
    setting = ParentalKey(FooterLinks, on_delete=models.CASCADE, related_name="links")
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        # A deleted page takes its link with it; a page unpublished or made private stays
        # chosen and is left out of the footer until it is live again.
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("Page"),
    )
    url = models.URLField(
        gettext_lazy("Or an address outside the shop"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("For example https://t.me/yourshop"),
    )
    label = models.CharField(
        gettext_lazy("Text"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy("Leave empty to show the page's title."),
    )
    label_km = models.CharField(gettext_lazy("Text in Khmer"), max_length=60, blank=True)
    khmer_fields = {"label": "label_km"}

    panels = [
        FieldRowPanel([FieldPanel("page"), FieldPanel("url")]),
        FieldRowPanel([FieldPanel("label"), FieldPanel("label_km")]),
    ]

    def clean(self):
        super().clean()
        if self.page_id and self.url:
            raise ValidationError({"url": _("Choose a page or type an address, not both.")})
        if not self.page_id and not self.url:
            raise ValidationError({"page": _("Choose a page or type an address.")})
        if self.url and not (self.label or self.label_km):
            raise ValidationError({"label": _("Write the text to show for this address.")})

    @property
    def shown_label(self):
        """The link's words in the active language: the editor's, else the page's title."""
        label = self.in_language("label")
        if label or self.page is None:
            return label
        page = self.page
        return page.shown_title if isinstance(page, Bilingual) else page.title


def footer_links(site):
    """``(setting, links)``: the footer links editors set for ``site``, in order, with links to
    pages shoppers cannot open (drafts, private sections) left out; each linked page is its
    specific kind, for its Khmer title. ``links`` is None when editors set none (``setting``
    is None too when they never saved the setting)."""
    setting = FooterLinks.objects.filter(site=site).first()
    if setting is None:
        return None, None
    links = list(setting.links.order_by("sort_order", "pk"))
    if not links:
        return setting, None
    page_ids = [link.page_id for link in links if link.page_id]
    pages = {
        page.pk: page for page in for_shoppers(Page.objects.filter(pk__in=page_ids)).specific()
    }
    shown = []
    for link in links:
        if link.page_id:
            if link.page_id not in pages:
                continue
            link.page = pages[link.page_id]
        shown.append(link)
    return setting, shown


def menu_pages_for_footer(site):
    """Information and contact pages at the top of ``site`` marked "Show in menus", in tree
    order, as unsaved links: what the footer shows while editors have set no links."""
    root = site.root_page
    pages = [
        *for_shoppers(ContentPage.objects.child_of(root)).in_menu().only(*LINKED_PAGE_FIELDS),
        *for_shoppers(ContactPage.objects.child_of(root)).in_menu().only(*LINKED_PAGE_FIELDS),
    ]
    pages.sort(key=lambda page: page.path)
    return [FooterLink(page=page) for page in pages]
