"""The demo catalog: a small Cambodian shop's range, in English with some Khmer names.

Each product: (title, khmer name, price, compare-at price, summary, specs, variants, stock).
``variants`` is a list of (name, price or None, stock); ``stock`` is used when there are none.
"""

from decimal import Decimal as D

SHOP = {
    "shop_name": "Angkor Market",
    "tagline": "Handmade goods and pantry favourites from across Cambodia, delivered to your door.",
    "email": "hello@angkormarket.example",
    "phone": "+855 12 345 678",
    "address": "No. 24, Street 240\nDaun Penh, Phnom Penh",
    "opening_hours": "Mon–Sat, 8:00–18:00",
}

HERO = {
    "hero_title": "Made in Cambodia, delivered to your door",
    "hero_text": (
        "Kampot pepper, hand-woven kramas, Mondulkiri coffee and more from local makers. "
        "Pay in seconds with KHQR from any Cambodian banking app."
    ),
    "hero_link_text": "Shop the pantry",
}

SIZES = ["S", "M", "L", "XL"]

CATALOG = [
    {
        "title": "Textiles & Clothing",
        "intro": "Kramas, silk and everyday clothing woven and sewn by Cambodian workshops.",
        "pattern": "stripes",
        "children": [
            {
                "title": "Kramas",
                "intro": "The checked cotton scarf every Cambodian home has: sun shade, towel, sling and gift.",
                "products": [
                    (
                        "Classic Red Krama",
                        "ក្រមាក្រហម",
                        D("6.50"),
                        None,
                        "The traditional red-and-white checked cotton krama, 170 cm long.",
                        [
                            ("Material", "100% cotton"),
                            ("Size", "170 × 60 cm"),
                            ("Made in", "Takeo"),
                        ],
                        [],
                        42,
                    ),
                    (
                        "Indigo Krama",
                        "ក្រមាខៀវ",
                        D("7.50"),
                        D("9.00"),
                        "Hand-dyed with natural indigo for a deep, even blue.",
                        [("Material", "Cotton"), ("Dye", "Natural indigo")],
                        [],
                        3,
                    ),
                    (
                        "Krama Gift Set of Three",
                        None,
                        D("18.00"),
                        None,
                        "Three kramas in red, blue and green, wrapped for gifting.",
                        [("Contents", "3 kramas")],
                        [],
                        0,
                    ),
                    (
                        "Silk-Blend Krama",
                        "ក្រមាសូត្រ",
                        D("14.00"),
                        None,
                        "A lighter krama with silk in the weft for a soft sheen.",
                        [("Material", "70% cotton, 30% silk")],
                        [],
                        12,
                    ),
                    (
                        "Kids' Krama",
                        None,
                        D("4.00"),
                        None,
                        "A smaller krama sized for children, soft after the first wash.",
                        [("Size", "110 × 45 cm")],
                        [],
                        25,
                    ),
                ],
            },
            {
                "title": "Silk",
                "intro": "Golden silk from the villages along the Mekong.",
                "products": [
                    (
                        "Golden Silk Scarf",
                        "កន្សែងសូត្រ",
                        D("38.00"),
                        None,
                        "Hand-reeled golden silk, woven on a wooden loom in Kampong Cham.",
                        [("Material", "100% Khmer silk"), ("Size", "180 × 50 cm")],
                        [("Gold", None, 4), ("Ivory", None, 7), ("Crimson", D("42.00"), 0)],
                        0,
                    ),
                    (
                        "Hol Silk Wall Hanging",
                        None,
                        D("120.00"),
                        D("150.00"),
                        "Ikat-patterned hol silk, ready to frame.",
                        [("Technique", "Hol (ikat)"), ("Size", "60 × 90 cm")],
                        [],
                        2,
                    ),
                    (
                        "Silk Cushion Cover",
                        None,
                        D("24.00"),
                        None,
                        "A zipped cushion cover in shot silk.",
                        [("Size", "45 × 45 cm")],
                        [("Teal", None, 9), ("Saffron", None, 6)],
                        0,
                    ),
                    (
                        "Silk Tie",
                        None,
                        D("19.00"),
                        None,
                        "A classic tie in woven Cambodian silk.",
                        [("Width", "7 cm")],
                        [],
                        15,
                    ),
                ],
            },
            {
                "title": "Clothing",
                "intro": "Everyday shirts and trousers cut from local cotton.",
                "products": [
                    (
                        "Angkor Sunrise T-Shirt",
                        "អាវយឺតអង្គរ",
                        D("12.00"),
                        None,
                        "Soft cotton tee printed with Angkor Wat at sunrise.",
                        [("Material", "100% cotton"), ("Fit", "Regular")],
                        [(s, None, q) for s, q in zip(SIZES, [5, 12, 2, 0], strict=True)],
                        0,
                    ),
                    (
                        "Fisherman Trousers",
                        None,
                        D("15.00"),
                        D("18.00"),
                        "Wrap-around trousers that fit every size with a tie.",
                        [("Material", "Cotton")],
                        [("Black", None, 20), ("Navy", None, 8)],
                        0,
                    ),
                    (
                        "Linen Shirt",
                        None,
                        D("29.00"),
                        None,
                        "A breathable linen shirt for hot afternoons.",
                        [("Material", "Linen")],
                        [(s, None, q) for s, q in zip(SIZES, [3, 6, 6, 1], strict=True)],
                        0,
                    ),
                    (
                        "Cotton Sarong",
                        "សារុង",
                        D("11.00"),
                        None,
                        "A checked cotton sarong for home and the beach.",
                        [("Size", "200 × 110 cm")],
                        [],
                        30,
                    ),
                    (
                        "Kids' Elephant Pyjamas",
                        None,
                        D("13.50"),
                        None,
                        "Light pyjamas with a playful elephant print.",
                        [("Material", "Cotton")],
                        [("2–3 years", None, 4), ("4–5 years", None, 0), ("6–7 years", None, 3)],
                        0,
                    ),
                ],
            },
        ],
    },
    {
        "title": "Food & Drink",
        "intro": "Pantry staples with a Cambodian accent: pepper, coffee, palm sugar and sauces.",
        "pattern": "dots",
        "children": [
            {
                "title": "Kampot Pepper",
                "intro": "Protected-origin pepper from the hills of Kampot and Kep.",
                "products": [
                    (
                        "Kampot Black Pepper",
                        "ម្រេចខ្មៅកំពត",
                        D("8.90"),
                        None,
                        "Whole black Kampot peppercorns with a warm, floral heat.",
                        [("Weight", "100 g"), ("Origin", "Kampot PGI")],
                        [("100 g", None, 50), ("250 g", D("19.50"), 14)],
                        0,
                    ),
                    (
                        "Kampot Red Pepper",
                        "ម្រេចក្រហមកំពត",
                        D("12.50"),
                        None,
                        "Fully ripened red peppercorns, sweet and fruity.",
                        [("Weight", "100 g")],
                        [],
                        2,
                    ),
                    (
                        "Kampot White Pepper",
                        "ម្រេចសកំពត",
                        D("11.50"),
                        None,
                        "Hulled white peppercorns with a clean, sharp bite.",
                        [("Weight", "100 g")],
                        [],
                        18,
                    ),
                    (
                        "Pepper Discovery Box",
                        None,
                        D("29.00"),
                        D("33.00"),
                        "Black, red and white Kampot pepper with a wooden grinder.",
                        [("Contents", "3 × 50 g, grinder")],
                        [],
                        0,
                    ),
                    (
                        "Fresh Green Pepper in Brine",
                        None,
                        D("6.00"),
                        None,
                        "Green peppercorns on the vine, preserved in brine.",
                        [("Weight", "150 g jar")],
                        [],
                        9,
                    ),
                ],
            },
            {
                "title": "Coffee & Tea",
                "intro": "Robusta and arabica from Mondulkiri and Ratanakiri.",
                "products": [
                    (
                        "Mondulkiri Robusta Coffee",
                        "កាហ្វេមណ្ឌលគិរី",
                        D("9.50"),
                        None,
                        "Dark-roasted robusta for strong iced coffee with condensed milk.",
                        [("Roast", "Dark"), ("Weight", "250 g")],
                        [("Whole beans", None, 22), ("Ground", None, 17)],
                        0,
                    ),
                    (
                        "Ratanakiri Arabica",
                        None,
                        D("14.00"),
                        None,
                        "A medium roast with notes of cocoa and red fruit.",
                        [("Roast", "Medium"), ("Weight", "250 g")],
                        [],
                        11,
                    ),
                    (
                        "Lemongrass Tea",
                        "តែស្លឹកគ្រៃ",
                        D("5.50"),
                        None,
                        "Sun-dried lemongrass for a calming caffeine-free tea.",
                        [("Weight", "50 g")],
                        [],
                        27,
                    ),
                    (
                        "Cold Brew Kit",
                        None,
                        D("21.00"),
                        D("25.00"),
                        "Coarse-ground robusta and a reusable cold-brew bottle.",
                        [("Contents", "Bottle, 200 g coffee")],
                        [],
                        1,
                    ),
                ],
            },
            {
                "title": "Snacks & Sauces",
                "intro": "Palm sugar, fish sauce and treats for the kitchen cupboard.",
                "products": [
                    (
                        "Kampong Speu Palm Sugar",
                        "ស្ករត្នោត",
                        D("4.50"),
                        None,
                        "Pure palm sugar from Kampong Speu, caramel-sweet.",
                        [("Weight", "500 g"), ("Origin", "Kampong Speu PGI")],
                        [],
                        40,
                    ),
                    (
                        "Premium Fish Sauce",
                        "ទឹកត្រី",
                        D("3.80"),
                        None,
                        "First-press anchovy fish sauce, aged in wooden barrels.",
                        [("Volume", "500 ml")],
                        [],
                        35,
                    ),
                    (
                        "Dried Mango Slices",
                        None,
                        D("3.20"),
                        None,
                        "Chewy dried mango with no added sugar.",
                        [("Weight", "200 g")],
                        [],
                        0,
                    ),
                    (
                        "Cashew Nuts, Roasted",
                        "គ្រាប់ស្វាយចន្ទី",
                        D("7.90"),
                        None,
                        "Roasted and lightly salted cashews from Kampong Thom.",
                        [("Weight", "250 g")],
                        [("Salted", None, 16), ("Unsalted", None, 5)],
                        0,
                    ),
                    (
                        "Chili Lemongrass Paste",
                        None,
                        D("4.20"),
                        None,
                        "Kroeung-style paste for soups and stir-fries.",
                        [("Weight", "180 g jar")],
                        [],
                        3,
                    ),
                ],
            },
        ],
    },
    {
        "title": "Home & Living",
        "intro": "Ceramics, rattan and natural soaps to make a home feel like Cambodia.",
        "pattern": "rings",
        "children": [
            {
                "title": "Ceramics",
                "intro": "Glazed stoneware thrown by potters in Kampong Chhnang.",
                "products": [
                    (
                        "Celadon Rice Bowl",
                        "ចានបាយ",
                        D("9.00"),
                        None,
                        "A jade-green celadon bowl for rice and soup.",
                        [("Diameter", "12 cm"), ("Dishwasher safe", "Yes")],
                        [],
                        24,
                    ),
                    (
                        "Stoneware Teapot",
                        None,
                        D("32.00"),
                        None,
                        "A hand-thrown teapot with a bamboo handle.",
                        [("Capacity", "800 ml")],
                        [],
                        2,
                    ),
                    (
                        "Clay Cooking Pot",
                        "ឆ្នាំងដី",
                        D("15.00"),
                        D("19.00"),
                        "Traditional Kampong Chhnang clay pot for slow-cooked curries.",
                        [("Capacity", "2 l")],
                        [],
                        7,
                    ),
                    (
                        "Espresso Cups, Set of Four",
                        None,
                        D("22.00"),
                        None,
                        "Four small cups in a speckled glaze.",
                        [("Capacity", "90 ml each")],
                        [],
                        0,
                    ),
                ],
            },
            {
                "title": "Baskets & Rattan",
                "intro": "Baskets, trays and lamps woven from rattan, bamboo and water hyacinth.",
                "products": [
                    (
                        "Rattan Market Basket",
                        "កន្ត្រក",
                        D("18.00"),
                        None,
                        "A sturdy basket for market days, with leather handles.",
                        [("Size", "40 × 25 × 30 cm")],
                        [("Natural", None, 10), ("Black", None, 2)],
                        0,
                    ),
                    (
                        "Water Hyacinth Storage Box",
                        None,
                        D("26.00"),
                        None,
                        "A lidded box woven from water hyacinth from the Tonle Sap.",
                        [("Size", "35 × 25 × 20 cm")],
                        [],
                        6,
                    ),
                    (
                        "Bamboo Pendant Lamp",
                        None,
                        D("45.00"),
                        D("55.00"),
                        "A woven bamboo shade that casts warm patterns.",
                        [("Diameter", "40 cm"), ("Fitting", "E27")],
                        [],
                        1,
                    ),
                    (
                        "Rattan Placemats, Set of Six",
                        None,
                        D("24.00"),
                        None,
                        "Round woven placemats for everyday meals.",
                        [("Diameter", "35 cm")],
                        [],
                        13,
                    ),
                ],
            },
            {
                "title": "Candles & Soap",
                "intro": "Natural soaps and candles scented with Cambodian herbs.",
                "products": [
                    (
                        "Lemongrass Soap Bar",
                        "សាប៊ូស្លឹកគ្រៃ",
                        D("3.50"),
                        None,
                        "Cold-process soap with coconut oil and lemongrass.",
                        [("Weight", "100 g")],
                        [],
                        60,
                    ),
                    (
                        "Jasmine Soy Candle",
                        "ទៀនម្លិះ",
                        D("12.00"),
                        None,
                        "A soy wax candle scented with night jasmine.",
                        [("Burn time", "40 hours")],
                        [],
                        8,
                    ),
                    (
                        "Coconut Body Oil",
                        None,
                        D("9.50"),
                        None,
                        "Cold-pressed coconut oil for skin and hair.",
                        [("Volume", "100 ml")],
                        [],
                        0,
                    ),
                    (
                        "Spa Gift Basket",
                        None,
                        D("34.00"),
                        D("40.00"),
                        "Soap, candle, body oil and a krama in a rattan basket.",
                        [("Contents", "4 items")],
                        [],
                        4,
                    ),
                ],
            },
        ],
    },
]

FEATURED_PRODUCTS = [
    "Kampot Black Pepper",
    "Classic Red Krama",
    "Mondulkiri Robusta Coffee",
    "Golden Silk Scarf",
    "Celadon Rice Bowl",
    "Rattan Market Basket",
    "Angkor Sunrise T-Shirt",
    "Jasmine Soy Candle",
]
NEW_ARRIVALS = [
    "Pepper Discovery Box",
    "Hol Silk Wall Hanging",
    "Cold Brew Kit",
    "Bamboo Pendant Lamp",
]

BULK_CATEGORY = {
    "title": "Market Finds",
    "intro": "More from our makers: a large range for everyday needs.",
    "pattern": "grid",
}
BULK_ADJECTIVES = [
    "Everyday",
    "Handmade",
    "Classic",
    "Village",
    "Riverside",
    "Highland",
    "Golden",
    "Lotus",
]
BULK_NOUNS = [
    "Basket",
    "Bowl",
    "Scarf",
    "Tea",
    "Soap",
    "Candle",
    "Tray",
    "Pouch",
    "Mat",
    "Spice Mix",
]

# The picture catalog/demo/images.py draws for each category and product, by title:
# (kind, looks) or (kind, looks, style). ``looks`` are the colours (or "black 250 g", "ground")
# of the product's variants, in order, so its first picture shows the first variant, the
# second the second; a kit's single look lists its colours ("red blue green").
PICTURES = {
    # Categories.
    "Textiles & Clothing": ("krama_set", ["red indigo green"]),
    "Kramas": ("krama", ["red"], "hanging"),
    "Silk": ("silk_scarf", ["gold"]),
    "Clothing": ("tshirt", ["cream"]),
    "Food & Drink": ("pepper_bag", ["black"]),
    "Kampot Pepper": ("pepper_box", []),
    "Coffee & Tea": ("iced_coffee", []),
    "Snacks & Sauces": ("fish_sauce", []),
    "Home & Living": ("rice_bowl", ["jade"]),
    "Ceramics": ("teapot", ["charcoal"]),
    "Baskets & Rattan": ("basket", ["natural"]),
    "Candles & Soap": ("candle", []),
    "Market Finds": ("tray", ["natural"]),
    # Textiles & Clothing.
    "Classic Red Krama": ("krama", ["red"]),
    "Indigo Krama": ("krama", ["indigo"]),
    "Krama Gift Set of Three": ("krama_set", ["red blue green"]),
    "Silk-Blend Krama": ("krama", ["maroon"], "silk"),
    "Kids' Krama": ("krama", ["pink"], "small"),
    "Golden Silk Scarf": ("silk_scarf", ["gold", "ivory", "crimson"]),
    "Hol Silk Wall Hanging": ("hol_silk", []),
    "Silk Cushion Cover": ("cushion", ["teal", "saffron"]),
    "Silk Tie": ("tie", ["burgundy"]),
    "Angkor Sunrise T-Shirt": ("tshirt", ["cream"]),
    "Fisherman Trousers": ("trousers", ["black", "navy"]),
    "Linen Shirt": ("shirt", ["oat"]),
    "Cotton Sarong": ("sarong", []),
    "Kids' Elephant Pyjamas": ("pyjamas", ["sky"]),
    # Food & Drink.
    "Kampot Black Pepper": ("pepper_bag", ["black 100 g", "black 250 g"]),
    "Kampot Red Pepper": ("pepper_bag", ["red"]),
    "Kampot White Pepper": ("pepper_bag", ["white"]),
    "Pepper Discovery Box": ("pepper_box", []),
    "Fresh Green Pepper in Brine": ("green_pepper_jar", []),
    "Mondulkiri Robusta Coffee": ("coffee_bag", ["beans", "ground"]),
    "Ratanakiri Arabica": ("coffee_cup", []),
    "Lemongrass Tea": ("lemongrass_tea", []),
    "Cold Brew Kit": ("cold_brew", []),
    "Kampong Speu Palm Sugar": ("palm_sugar", []),
    "Premium Fish Sauce": ("fish_sauce", []),
    "Dried Mango Slices": ("dried_mango", []),
    "Cashew Nuts, Roasted": ("cashews", ["salted", "unsalted"]),
    "Chili Lemongrass Paste": ("chili_paste", []),
    # Home & Living.
    "Celadon Rice Bowl": ("rice_bowl", ["jade"]),
    "Stoneware Teapot": ("teapot", ["charcoal"]),
    "Clay Cooking Pot": ("clay_pot", ["terracotta"]),
    "Espresso Cups, Set of Four": ("espresso_cups", []),
    "Rattan Market Basket": ("basket", ["natural", "black"]),
    "Water Hyacinth Storage Box": ("hyacinth_box", []),
    "Bamboo Pendant Lamp": ("pendant_lamp", []),
    "Rattan Placemats, Set of Six": ("placemats", []),
    "Lemongrass Soap Bar": ("soap", ["lemongrass"]),
    "Jasmine Soy Candle": ("candle", []),
    "Coconut Body Oil": ("body_oil", []),
    "Spa Gift Basket": ("spa_basket", []),
}

# Pictures for the generated "Market Finds" products (the loader keeps a pool of twelve),
# following the nouns their titles are made of.
BULK_PICTURES = [
    ("basket", ["natural"]),
    ("rice_bowl", ["jade"]),
    ("silk_scarf", ["teal"]),
    ("lemongrass_tea", []),
    ("soap", ["pink"]),
    ("candle", []),
    ("tray", ["natural"]),
    ("pouch", ["saffron"]),
    ("placemats", []),
    ("spice_mix", []),
    ("krama", ["green"]),
    ("basket", ["black"]),
]


DELIVERY_METHODS = [
    (
        "phnom-penh",
        "Phnom Penh delivery (same or next day)",
        "Delivered by our own riders.",
        D("1.50"),
    ),
    (
        "province",
        "Province delivery by courier (1–3 days)",
        "Virak Buntham or J&T Express.",
        D("3.00"),
    ),
    ("pickup", "Pick up at the shop", "Street 240, Daun Penh; ready within 2 hours.", D("0.00")),
]

# Information pages, linked from the footer: (slug, title, intro, [paragraphs]).
CONTENT_PAGES = [
    (
        "about",
        "About us",
        "A small Phnom Penh shop for things made in Cambodia.",
        [
            "Angkor Market started in 2019 as a stall at the Russian Market. Today we work "
            "with more than thirty families and workshops in Takeo, Kampot, Kampong Cham and "
            "Mondulkiri.",
            "We visit every maker, pay them on delivery of their goods, and check each piece "
            "by hand before it is sent to you.",
        ],
    ),
    (
        "delivery-and-payment",
        "Delivery and payment",
        "How we get your order to you, and how you can pay.",
        [
            "In Phnom Penh our own riders deliver the same day for orders placed before "
            "14:00, and the next day after that. Provinces are served by Virak Buntham or J&T "
            "Express in one to three days.",
            "Pay by scanning the KHQR code with ABA, ACLEDA, Wing or any other Cambodian "
            "banking app. The code is valid for 15 minutes; your order is confirmed as soon "
            "as the payment arrives.",
        ],
    ),
    (
        "returns",
        "Returns and refunds",
        "Changed your mind? You have 7 days.",
        [
            "You can return any unused item within 7 days of delivery. Message us on "
            "Telegram or call us with your order number, and we will arrange the pickup.",
            "We refund to the bank account you paid from within 3 working days of receiving "
            "the item. Food cannot be returned once opened.",
        ],
    ),
    (
        "privacy",
        "Privacy",
        "What we keep about you, and why.",
        [
            "We keep your name, phone number, e-mail and address to deliver your orders and "
            "to contact you about them. We never sell them or share them with anyone except "
            "the courier who brings your parcel.",
            "You can ask us at any time to see or delete the information we hold about you.",
        ],
    ),
    (
        "terms",
        "Terms of sale",
        "The rules of buying from Angkor Market.",
        [
            "Prices are in US dollars and include VAT; the riel amount is shown for "
            "convenience at the exchange rate of the day. An order is confirmed when it is "
            "paid.",
            "If an item turns out to be out of stock after you paid, we refund you in full "
            "within 3 working days.",
        ],
    ),
]
