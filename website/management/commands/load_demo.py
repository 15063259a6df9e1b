"""Load the demo catalog, in English and Khmer. Safe to run again: what exists is left as
it is."""

from datetime import timedelta
from decimal import Decimal as D
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from catalog.demo import data
from catalog.demo.images import banner_image, product_image
from catalog.demo.khmer import KHMER
from catalog.inventory import set_stock
from catalog.models import (
    CategoryPage,
    ContactPage,
    ContentPage,
    HomePage,
    ProductImage,
    ProductPage,
    ProductSpecification,
    ProductVariant,
    StockRecord,
)
from checkout.models import PROVINCES, DeliveryMethod, DeliveryRate, DeliveryZone
from kernel.models import ShopSettings

BULK_SKU_PREFIX = "GEN-"
BULK_IMAGE_POOL = 12

# The contact page, linked from the footer after the information pages. Its Khmer is written
# here rather than looked up in catalog/demo/khmer.py, which holds the catalog's own texts.
CONTACT_PAGE = {
    "slug": "contact",
    "title": "Contact us",
    "title_km": "ទាក់ទងមកយើង",
    "intro": (
        "Questions about a product, an order or a delivery? Write to us here and we will "
        "answer within one working day, usually on Telegram or by phone."
    ),
    "intro_km": (
        "មានសំណួរអំពីទំនិញ ការបញ្ជាទិញ ឬការដឹកជញ្ជូនមែនទេ? សូមសរសេរមកយើងនៅទីនេះ "
        "យើងនឹងឆ្លើយតបក្នុងរយៈពេលមួយថ្ងៃធ្វើការ ជាធម្មតាតាម Telegram ឬតាមទូរស័ព្ទ។"
    ),
    "thank_you_text": (
        "Thank you for your message! We will answer within one working day. If your question "
        "is about an order on its way today, please call us."
    ),
    "thank_you_text_km": (
        "សូមអរគុណសម្រាប់សាររបស់អ្នក! យើងនឹងឆ្លើយតបក្នុងរយៈពេលមួយថ្ងៃធ្វើការ។ "
        "ប្រសិនបើសំណួររបស់អ្នកទាក់ទងនឹងការបញ្ជាទិញដែលកំពុងដឹកជញ្ជូននៅថ្ងៃនេះ សូមទូរស័ព្ទមកយើង។"
    ),
    "search_description": "Write to Angkor Market about a product, an order or a delivery.",
    "search_description_km": "សរសេរមកផ្សារអង្គរ អំពីទំនិញ ការបញ្ជាទិញ ឬការដឹកជញ្ជូន។",
}


def km(english):
    """The demo's Khmer for an English text (catalog/demo/khmer.py; tests check it is complete)."""
    return KHMER[english]


def khmer_paragraphs(*english):
    return "".join(f"<p>{km(text)}</p>" for text in english)


class Command(BaseCommand):
    help = (
        "Load the demo catalog (categories, products with images, variants and stock). "
        "With --products N, also make sure N generated products exist (for benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            help="How many generated products should exist in the 'Market Finds' category.",
        )

    def handle(self, *args, **options):
        if options["products"] < 0:
            raise CommandError("--products must be zero or more.")
        home = HomePage.objects.first()
        if home is None:
            raise CommandError("No home page: run `python manage.py migrate` first.")
        self.images = get_image_model()
        self.created = 0

        site = self.configure_site(home)
        self.configure_settings(site)
        self.configure_delivery(ShopSettings.for_site(site))
        categories = {}
        for top in data.CATALOG:
            top_page = self.category(home, top)
            for child in top["children"]:
                child_page = self.category(top_page, child)
                categories[child["title"]] = child_page
                for row in child["products"]:
                    self.product(child_page, row, top["pattern"])
        self.configure_home(home, list(CategoryPage.objects.child_of(home).order_by("path")))
        for spec in data.CONTENT_PAGES:
            self.information_page(home, *spec)
        self.contact_page(home)

        if options["products"]:
            self.bulk_products(home, options["products"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalog ready: {ProductPage.objects.live().count()} live products, "
                f"{CategoryPage.objects.live().count()} categories ({self.created} pages created)."
            )
        )

    # --- site, settings and home -------------------------------------------------------

    def configure_site(self, home):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        if site.hostname == "localhost" and site.port == 80:
            base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
            site.hostname = base.hostname or "localhost"
            site.port = base.port or (443 if base.scheme == "https" else 80)
            site.site_name = data.SHOP["shop_name"]
            site.save()
        return site

    def configure_settings(self, site):
        shop = ShopSettings.for_site(site)
        if shop.email:
            return
        for field, value in data.SHOP.items():
            setattr(shop, field, value)
        for field in ("shop_name", "tagline", "address", "opening_hours"):
            setattr(shop, f"{field}_km", km(data.SHOP[field]))
        shop.save()

    def configure_delivery(self, shop):
        methods = {}
        for order, (code, label, description, fee) in enumerate(data.DELIVERY_METHODS):
            methods[code], _created = DeliveryMethod.objects.get_or_create(
                code=code,
                defaults={
                    "label": label,
                    "label_km": km(label),
                    "description": description,
                    "description_km": km(description),
                    "fee": fee,
                    "sort_order": order,
                },
            )
        if DeliveryZone.objects.exists():
            return
        # Two zones, as the home page's promise says: riders in Phnom Penh (free from $30),
        # couriers to the provinces; pick-up from anywhere; cash on delivery in both.
        capital = DeliveryZone.objects.create(
            name="Phnom Penh", name_km=km("Phnom Penh"), provinces=["Phnom Penh"], sort_order=0
        )
        provinces = DeliveryZone.objects.create(
            name="Other provinces",
            name_km=km("Other provinces"),
            provinces=[name for name in PROVINCES if name != "Phnom Penh"],
            sort_order=1,
        )
        DeliveryRate.objects.bulk_create(
            [
                DeliveryRate(
                    zone=capital, method=methods["phnom-penh"], fee=D("1.50"), free_from=D("30")
                ),
                DeliveryRate(zone=capital, method=methods["pickup"], fee=D("0")),
                DeliveryRate(zone=provinces, method=methods["province"], fee=D("3.00")),
                DeliveryRate(zone=provinces, method=methods["pickup"], fee=D("0")),
            ]
        )
        shop.cash_on_delivery = True
        shop.save(update_fields=["cash_on_delivery"])

    def configure_home(self, home, top_categories):
        home = home.specific
        if home.body.raw_data:
            return
        by_title = {
            p.title: p
            for p in ProductPage.objects.filter(
                title__in=data.FEATURED_PRODUCTS + data.NEW_ARRIVALS
            )
        }
        pantry = CategoryPage.objects.filter(title="Food & Drink").first()
        home.hero_image = self.image("home-hero", lambda: banner_image("home-hero"))
        home.hero_link = pantry
        for field, value in data.HERO.items():
            setattr(home, field, value)
            setattr(home, f"{field}_km", km(value))
        home.title_km = km(data.SHOP["shop_name"])

        def sections(say):
            return [
                (
                    "featured_categories",
                    {"title": say("Shop by category"), "categories": top_categories},
                ),
                (
                    "featured_products",
                    {
                        "title": say("Best sellers"),
                        "products": [by_title[t] for t in data.FEATURED_PRODUCTS],
                    },
                ),
                (
                    "promo",
                    {
                        "title": say("Free delivery in Phnom Penh"),
                        "text": say(
                            "On orders over $30. Provinces by Virak Buntham or J&T in 1–3 days."
                        ),
                        "link": pantry,
                        "link_text": say("Browse the pantry"),
                    },
                ),
                (
                    "featured_products",
                    {
                        "title": say("New arrivals"),
                        "products": [by_title[t] for t in data.NEW_ARRIVALS],
                    },
                ),
            ]

        home.body = sections(str)
        home.body_km = sections(km)
        home.save_revision().publish()

    # --- pages ---------------------------------------------------------------------------

    def image(self, key, make):
        title = f"demo:{key}"
        existing = self.images.objects.filter(title=title).first()
        if existing:
            return existing
        from io import BytesIO

        image = self.images(title=title)
        image.file = ImageFile(BytesIO(make()), name=f"{slugify(key)}.png")
        image.save()
        return image

    def category(self, parent, spec):
        slug = slugify(spec["title"])
        existing = CategoryPage.objects.child_of(parent).filter(slug=slug).first()
        if existing:
            return existing
        page = CategoryPage(
            title=spec["title"],
            title_km=km(spec["title"]),
            slug=slug,
            intro=f"<p>{spec['intro']}</p>",
            intro_km=khmer_paragraphs(spec["intro"]),
            show_in_menus=parent.depth == 2,
            image=self.image(
                slug, lambda: product_image(spec["title"], spec.get("pattern", "grid"))
            ),
        )
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page

    @transaction.atomic
    def product(self, category, row, pattern):
        title, khmer, price, compare_at, summary, specs, variants, stock = row
        slug = slugify(title)
        if ProductPage.objects.filter(slug=slug).exists():
            return
        sku = "AM-" + "".join(word[:3].upper() for word in slug.split("-")[:3])
        variant_label = "Size" if any(v[0] in data.SIZES for v in variants) else "Option"
        made = "Made for us by a small workshop in Cambodia, and checked by hand before it ships."
        care = ("Keep dry and out of direct sun.", "Questions? Message us on Telegram.")

        def description(say):
            return [
                ("paragraph", f"<p>{say(summary)} {say(made)}</p>"),
                ("heading", {"text": say("Care and use"), "size": "h3"}),
                ("paragraph", "<ul>" + "".join(f"<li>{say(line)}</li>" for line in care) + "</ul>"),
            ]

        page = ProductPage(
            title=title,
            slug=slug,
            sku=sku,
            khmer_name=khmer or km(title),
            price=price,
            compare_at_price=compare_at,
            summary=summary,
            summary_km=km(summary),
            variant_label=variant_label,
            variant_label_km=km(variant_label),
            description=description(str),
            description_km=description(km),
        )
        for index in range(3 if stock or variants else 2):
            key = f"{slug}-{index}"
            page.gallery_images.add(
                ProductImage(
                    image=self.image(key, lambda k=key: product_image(k, pattern)), sort_order=index
                )
            )
        for index, (name, value) in enumerate(specs):
            page.specifications.add(
                ProductSpecification(
                    name=name, value=value, name_km=km(name), value_km=km(value), sort_order=index
                )
            )
        for index, (name, variant_price, _) in enumerate(variants):
            page.variants.add(
                ProductVariant(
                    name=name,
                    name_km=km(name),
                    sku=f"{sku}-{slugify(name).upper()}",
                    price=variant_price,
                    sort_order=index,
                )
            )
        category.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        if variants:
            saved = {v.name: v for v in page.variants.all()}
            for name, _, quantity in variants:
                set_stock(page, quantity, variant=saved[name])
        else:
            set_stock(page, stock)

    def information_page(self, home, slug, title, intro, paragraphs):
        if ContentPage.objects.child_of(home).filter(slug=slug).exists():
            return
        page = ContentPage(
            title=title,
            title_km=km(title),
            slug=slug,
            show_in_menus=True,
            intro=intro,
            intro_km=km(intro),
            body=[("paragraph", f"<p>{text}</p>") for text in paragraphs],
            body_km=[("paragraph", f"<p>{km(text)}</p>") for text in paragraphs],
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1

    def contact_page(self, home):
        if ContactPage.objects.child_of(home).filter(slug=CONTACT_PAGE["slug"]).exists():
            return
        page = ContactPage(show_in_menus=True, **CONTACT_PAGE)
        home.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1

    def bulk_products(self, home, wanted):
        category = self.category(home, data.BULK_CATEGORY)
        have = ProductPage.objects.filter(sku__startswith=BULK_SKU_PREFIX).count()
        if have >= wanted:
            self.stdout.write(f"{have} generated products already exist.")
            return
        pool = [
            self.image(
                f"bulk-{i}",
                lambda i=i: product_image(f"bulk-{i}", ["stripes", "dots", "rings", "grid"][i % 4]),
            )
            for i in range(BULK_IMAGE_POOL)
        ]
        category = CategoryPage.objects.get(pk=category.pk)
        now = timezone.now()
        records = []
        for number in tqdm(range(have + 1, wanted + 1), desc="Generated products", unit="product"):
            adjective = data.BULK_ADJECTIVES[number % len(data.BULK_ADJECTIVES)]
            noun = data.BULK_NOUNS[(number // len(data.BULK_ADJECTIVES)) % len(data.BULK_NOUNS)]
            page = ProductPage(
                title=f"{adjective} {noun} No. {number}",
                # Khmer puts the describing word after the noun.
                khmer_name=f"{km(noun)}{km(adjective)} លេខ {number}",
                slug=f"generated-{number}",
                sku=f"{BULK_SKU_PREFIX}{number:06d}",
                price=f"{(number * 37) % 9000 / 100 + 1:.2f}",
                summary=f"A {adjective.lower()} {noun.lower()} from our generated range, item {number}.",
                summary_km=f"{km(noun)}{km(adjective)} ពីទំនិញបន្ថែមរបស់ហាងយើង លេខ {number}។",
                live=True,
                first_published_at=now - timedelta(minutes=number),
            )
            page.gallery_images.add(
                ProductImage(image=pool[number % BULK_IMAGE_POOL], sort_order=0)
            )
            with transaction.atomic():
                category.add_child(instance=page)
            records.append(StockRecord(product=page, quantity=(number * 7) % 40))
            if len(records) >= 500:
                StockRecord.objects.bulk_create(records, ignore_conflicts=True)
                records = []
        StockRecord.objects.bulk_create(records, ignore_conflicts=True)
        Page.objects.filter(pk=category.pk).update(
            numchild=CategoryPage.objects.get(pk=category.pk).get_children().count()
        )
