"""Khmer versions of the demo catalog's words (catalog/demo/data.py and load_demo's home page),
keyed by the English text they translate."""

# Conventions: Western digits throughout, and units kept as the English writes them ("100 g",
# "500 ml", "170 × 60 cm"), as Cambodian shops commonly do; "KHQR", "Telegram", "J&T", "E27" and
# the sizes S/M/L/XL stay as they are. An English text used in several places has one entry.

KHMER = {
    # --- data.SHOP -------------------------------------------------------------------------
    "Angkor Market": "ផ្សារអង្គរ",
    "Handmade goods and pantry favourites from across Cambodia, delivered to your door.": (
        "ទំនិញធ្វើដោយដៃ និងគ្រឿងផ្សំម្ហូបពេញនិយមពីទូទាំងប្រទេសកម្ពុជា ដឹកជូនដល់មាត់ទ្វារផ្ទះលោកអ្នក។"
    ),
    "No. 24, Street 240\nDaun Penh, Phnom Penh": "ផ្ទះលេខ 24 ផ្លូវ 240\nខណ្ឌដូនពេញ រាជធានីភ្នំពេញ",
    "Mon–Sat, 8:00–18:00": "ថ្ងៃចន្ទ–ថ្ងៃសៅរ៍ ម៉ោង 8:00–18:00",
    # --- data.HERO -------------------------------------------------------------------------
    "Made in Cambodia, delivered to your door": "ផលិតនៅកម្ពុជា ដឹកជូនដល់មាត់ទ្វារផ្ទះ",
    (
        "Kampot pepper, hand-woven kramas, Mondulkiri coffee and more from local makers. "
        "Pay in seconds with KHQR from any Cambodian banking app."
    ): (
        "ម្រេចកំពត ក្រមាត្បាញដោយដៃ កាហ្វេមណ្ឌលគិរី និងផលិតផលជាច្រើនទៀតពីអ្នកផលិតក្នុងស្រុក។ "
        "ទូទាត់ប្រាក់បានក្នុងប៉ុន្មានវិនាទី ដោយស្កេន KHQR ពីកម្មវិធីធនាគារណាមួយនៅកម្ពុជា។"
    ),
    "Shop the pantry": "ទិញអាហារ និងភេសជ្ជៈ",
    # --- data.SIZES ------------------------------------------------------------------------
    "S": "S",
    "M": "M",
    "L": "L",
    "XL": "XL",
    # --- data.CATALOG: Textiles & Clothing -------------------------------------------------
    "Textiles & Clothing": "ក្រណាត់ និងសម្លៀកបំពាក់",
    "Kramas, silk and everyday clothing woven and sewn by Cambodian workshops.": (
        "ក្រមា សូត្រ និងសម្លៀកបំពាក់ប្រចាំថ្ងៃ ត្បាញ និងដេរដោយរោងជាងខ្មែរ។"
    ),
    "Kramas": "ក្រមា",
    "The checked cotton scarf every Cambodian home has: sun shade, towel, sling and gift.": (
        "ក្រមាកប្បាសក្រឡាដែលគ្រប់ផ្ទះខ្មែរតែងតែមាន៖ ប្រើបាំងថ្ងៃ ជូតខ្លួន ចងបីកូន ឬជូនជាកាដូ។"
    ),
    "Classic Red Krama": "ក្រមាក្រហម",
    "The traditional red-and-white checked cotton krama, 170 cm long.": (
        "ក្រមាកប្បាសក្រឡាក្រហម-ស បែបប្រពៃណី ប្រវែង 170 cm។"
    ),
    "Material": "សាច់ក្រណាត់",
    "100% cotton": "កប្បាស 100%",
    "Size": "ទំហំ",
    "170 × 60 cm": "170 × 60 cm",
    "Made in": "ផលិតនៅ",
    "Takeo": "តាកែវ",
    "Indigo Krama": "ក្រមាខៀវ",
    "Hand-dyed with natural indigo for a deep, even blue.": (
        "ជ្រលក់ដោយដៃនឹងពណ៌ត្រាំធម្មជាតិ ឲ្យបានពណ៌ខៀវចាស់ស្មើល្អ។"
    ),
    "Cotton": "កប្បាស",
    "Dye": "ពណ៌ជ្រលក់",
    "Natural indigo": "ពណ៌ត្រាំធម្មជាតិ",
    "Krama Gift Set of Three": "ឈុតកាដូក្រមា 3 ផ្ទាំង",
    "Three kramas in red, blue and green, wrapped for gifting.": (
        "ក្រមា 3 ផ្ទាំង ពណ៌ក្រហម ខៀវ និងបៃតង ខ្ចប់រួចរាល់សម្រាប់ជូនជាកាដូ។"
    ),
    "Contents": "ក្នុងឈុតមាន",
    "3 kramas": "ក្រមា 3 ផ្ទាំង",
    "Silk-Blend Krama": "ក្រមាសូត្រ",
    "A lighter krama with silk in the weft for a soft sheen.": (
        "ក្រមាស្រាលជាងមុន ត្បាញលាយសរសៃសូត្រ ឲ្យមានពន្លឺចែងចាំងស្រទន់។"
    ),
    "70% cotton, 30% silk": "កប្បាស 70% សូត្រ 30%",
    "Kids' Krama": "ក្រមាកុមារ",
    "A smaller krama sized for children, soft after the first wash.": (
        "ក្រមាទំហំតូចសម្រាប់កុមារ ទន់ល្អតាំងពីបោកលើកដំបូង។"
    ),
    "110 × 45 cm": "110 × 45 cm",
    "Silk": "សូត្រ",
    "Golden silk from the villages along the Mekong.": "សូត្រលឿងពីភូមិនានាតាមបណ្តោយទន្លេមេគង្គ។",
    "Golden Silk Scarf": "កន្សែងសូត្រ",
    "Hand-reeled golden silk, woven on a wooden loom in Kampong Cham.": (
        "សូត្រលឿងស្រាវដោយដៃ ត្បាញលើកីឈើនៅខេត្តកំពង់ចាម។"
    ),
    "100% Khmer silk": "សូត្រខ្មែរ 100%",
    "180 × 50 cm": "180 × 50 cm",
    "Gold": "ពណ៌មាស",
    "Ivory": "ពណ៌សភ្លុក",
    "Crimson": "ពណ៌ក្រហមឆ្អៅ",
    "Hol Silk Wall Hanging": "ផ្ទាំងសូត្រហូលព្យួរជញ្ជាំង",
    "Ikat-patterned hol silk, ready to frame.": "សូត្រហូលចងក្បាច់ ត្រៀមរួចរាល់សម្រាប់ដាក់ស៊ុម។",
    "Technique": "បច្ចេកទេស",
    "Hol (ikat)": "ហូល (ចងក្បាច់)",
    "60 × 90 cm": "60 × 90 cm",
    "Silk Cushion Cover": "ស្រោមខ្នើយសូត្រ",
    "A zipped cushion cover in shot silk.": "ស្រោមខ្នើយមានរ៉ូត ធ្វើពីសូត្រត្បាញពីរពណ៌ ភ្លឺផ្លេកៗ។",
    "45 × 45 cm": "45 × 45 cm",
    "Teal": "ពណ៌ខៀវបៃតង",
    "Saffron": "ពណ៌លឿងទុំ",
    "Silk Tie": "ក្រវ៉ាត់កសូត្រ",
    "A classic tie in woven Cambodian silk.": "ក្រវ៉ាត់កបែបបុរាណ ធ្វើពីសូត្រខ្មែរត្បាញ។",
    "Width": "ទទឹង",
    "7 cm": "7 cm",
    "Clothing": "សម្លៀកបំពាក់",
    "Everyday shirts and trousers cut from local cotton.": (
        "អាវ និងខោពាក់ប្រចាំថ្ងៃ កាត់ដេរពីកប្បាសក្នុងស្រុក។"
    ),
    "Angkor Sunrise T-Shirt": "អាវយឺតអង្គរ",
    "Soft cotton tee printed with Angkor Wat at sunrise.": (
        "អាវយឺតកប្បាសទន់ បោះពុម្ពរូបប្រាសាទអង្គរវត្តពេលថ្ងៃរះ។"
    ),
    "Fit": "រាងកាត់",
    "Regular": "ធម្មតា",
    "Fisherman Trousers": "ខោអ្នកនេសាទ",
    "Wrap-around trousers that fit every size with a tie.": "ខោរុំចងខ្សែនៅចង្កេះ ពាក់បានគ្រប់ទំហំខ្លួន។",
    "Black": "ពណ៌ខ្មៅ",
    "Navy": "ពណ៌ខៀវចាស់",
    "Linen Shirt": "អាវលីនិន",
    "A breathable linen shirt for hot afternoons.": "អាវក្រណាត់លីនិន ខ្យល់ចេញចូលល្អ ស័ក្តិសមសម្រាប់រសៀលក្តៅ។",
    "Linen": "ក្រណាត់លីនិន",
    "Cotton Sarong": "សារុង",
    "A checked cotton sarong for home and the beach.": (
        "សារុងកប្បាសក្រឡា សម្រាប់ស្លៀកនៅផ្ទះ ឬពេលទៅលេងសមុទ្រ។"
    ),
    "200 × 110 cm": "200 × 110 cm",
    "Kids' Elephant Pyjamas": "ខោអាវគេងកុមារលំនាំដំរី",
    "Light pyjamas with a playful elephant print.": "ខោអាវគេងស្រាលៗ បោះពុម្ពរូបដំរីគួរឲ្យស្រឡាញ់។",
    "2–3 years": "2–3 ឆ្នាំ",
    "4–5 years": "4–5 ឆ្នាំ",
    "6–7 years": "6–7 ឆ្នាំ",
    # --- data.CATALOG: Food & Drink --------------------------------------------------------
    "Food & Drink": "អាហារ និងភេសជ្ជៈ",
    "Pantry staples with a Cambodian accent: pepper, coffee, palm sugar and sauces.": (
        "គ្រឿងផ្សំចាំបាច់សម្រាប់ផ្ទះបាយ រសជាតិខ្មែរ៖ ម្រេច កាហ្វេ ស្ករត្នោត និងទឹកជ្រលក់។"
    ),
    "Kampot Pepper": "ម្រេចកំពត",
    "Protected-origin pepper from the hills of Kampot and Kep.": (
        "ម្រេចមានសម្គាល់ភូមិសាស្ត្រ ពីតំបន់ភ្នំនៃខេត្តកំពត និងខេត្តកែប។"
    ),
    "Kampot Black Pepper": "ម្រេចខ្មៅកំពត",
    "Whole black Kampot peppercorns with a warm, floral heat.": (
        "គ្រាប់ម្រេចខ្មៅកំពតទាំងមូល ហឹរកក់ក្តៅ និងមានក្លិនក្រអូបដូចផ្កា។"
    ),
    "Weight": "ទម្ងន់",
    "100 g": "100 g",
    "Origin": "ប្រភព",
    "Kampot PGI": "កំពត (សម្គាល់ភូមិសាស្ត្រ)",
    "250 g": "250 g",
    "Kampot Red Pepper": "ម្រេចក្រហមកំពត",
    "Fully ripened red peppercorns, sweet and fruity.": (
        "គ្រាប់ម្រេចក្រហមទុំល្អ រសជាតិផ្អែម និងមានក្លិនផ្លែឈើ។"
    ),
    "Kampot White Pepper": "ម្រេចសកំពត",
    "Hulled white peppercorns with a clean, sharp bite.": "គ្រាប់ម្រេចសបកសំបករួច ហឹរមុត និងរសជាតិស្រស់ស្អាត។",
    "Pepper Discovery Box": "ប្រអប់ភ្លក់ម្រេច 3 មុខ",
    "Black, red and white Kampot pepper with a wooden grinder.": (
        "ម្រេចកំពតខ្មៅ ក្រហម និងស ព្រមទាំងឧបករណ៍កិនម្រេចធ្វើពីឈើ។"
    ),
    "3 × 50 g, grinder": "3 × 50 g និងឧបករណ៍កិន",
    "Fresh Green Pepper in Brine": "ម្រេចខ្ចីត្រាំទឹកអំបិល",
    "Green peppercorns on the vine, preserved in brine.": "ម្រេចខ្ចីទាំងចង្កោម ត្រាំទឹកអំបិលទុកបានយូរ។",
    "150 g jar": "ដប 150 g",
    "Coffee & Tea": "កាហ្វេ និងតែ",
    "Robusta and arabica from Mondulkiri and Ratanakiri.": (
        "កាហ្វេរ៉ូបូស្តា និងអារ៉ាប៊ីកា ពីខេត្តមណ្ឌលគិរី និងខេត្តរតនគិរី។"
    ),
    "Mondulkiri Robusta Coffee": "កាហ្វេមណ្ឌលគិរី",
    "Dark-roasted robusta for strong iced coffee with condensed milk.": (
        "រ៉ូបូស្តាលីងខ្លាំង សម្រាប់ឆុងកាហ្វេទឹកដោះគោទឹកកកឲ្យខាប់ឆ្ងាញ់។"
    ),
    "Roast": "កម្រិតលីង",
    "Dark": "លីងខ្លាំង",
    "Whole beans": "គ្រាប់ទាំងមូល",
    "Ground": "កិនរួច",
    "Ratanakiri Arabica": "កាហ្វេអារ៉ាប៊ីការតនគិរី",
    "A medium roast with notes of cocoa and red fruit.": "លីងកម្រិតមធ្យម មានក្លិនកាកាវ និងផ្លែឈើក្រហម។",
    "Medium": "មធ្យម",
    "Lemongrass Tea": "តែស្លឹកគ្រៃ",
    "Sun-dried lemongrass for a calming caffeine-free tea.": (
        "ស្លឹកគ្រៃហាលថ្ងៃ សម្រាប់ឆុងតែគ្មានជាតិកាហ្វេអ៊ីន ជួយឲ្យស្ងប់អារម្មណ៍។"
    ),
    "50 g": "50 g",
    "Cold Brew Kit": "ឈុតត្រាំកាហ្វេត្រជាក់",
    "Coarse-ground robusta and a reusable cold-brew bottle.": (
        "កាហ្វេរ៉ូបូស្តាកិនគ្រើម និងដបសម្រាប់ត្រាំកាហ្វេត្រជាក់ ប្រើបានច្រើនដង។"
    ),
    "Bottle, 200 g coffee": "ដប និងកាហ្វេ 200 g",
    "Snacks & Sauces": "ចំណី និងទឹកជ្រលក់",
    "Palm sugar, fish sauce and treats for the kitchen cupboard.": (
        "ស្ករត្នោត ទឹកត្រី និងចំណីឆ្ងាញ់ៗ សម្រាប់ទុកក្នុងផ្ទះបាយ។"
    ),
    "Kampong Speu Palm Sugar": "ស្ករត្នោត",
    "Pure palm sugar from Kampong Speu, caramel-sweet.": "ស្ករត្នោតសុទ្ធពីខេត្តកំពង់ស្ពឺ ផ្អែមឈ្ងុយដូចការ៉ាមែល។",
    "500 g": "500 g",
    "Kampong Speu PGI": "កំពង់ស្ពឺ (សម្គាល់ភូមិសាស្ត្រ)",
    "Premium Fish Sauce": "ទឹកត្រី",
    "First-press anchovy fish sauce, aged in wooden barrels.": (
        "ទឹកត្រីទឹកទីមួយ ធ្វើពីត្រីសមុទ្រតូចៗ ហើយទុកឲ្យចាស់ក្នុងធុងឈើ។"
    ),
    "Volume": "ចំណុះ",
    "500 ml": "500 ml",
    "Dried Mango Slices": "ស្វាយក្រៀមចំណិត",
    "Chewy dried mango with no added sugar.": "ស្វាយក្រៀមទន់ស្អិតល្មម គ្មានបន្ថែមស្ករ។",
    "200 g": "200 g",
    "Cashew Nuts, Roasted": "គ្រាប់ស្វាយចន្ទី",
    "Roasted and lightly salted cashews from Kampong Thom.": (
        "គ្រាប់ស្វាយចន្ទីលីង ប្រឡាក់អំបិលស្រាលៗ ពីខេត្តកំពង់ធំ។"
    ),
    "Salted": "មានអំបិល",
    "Unsalted": "គ្មានអំបិល",
    "Chili Lemongrass Paste": "គ្រឿងម្ទេសស្លឹកគ្រៃ",
    "Kroeung-style paste for soups and stir-fries.": "គ្រឿងបុកស្រេចបែបគ្រឿងខ្មែរ សម្រាប់ធ្វើសម្ល និងម្ហូបឆា។",
    "180 g jar": "ដប 180 g",
    # --- data.CATALOG: Home & Living -------------------------------------------------------
    "Home & Living": "របស់របរក្នុងផ្ទះ",
    "Ceramics, rattan and natural soaps to make a home feel like Cambodia.": (
        "គ្រឿងស្មូន ផលិតផលផ្តៅ និងសាប៊ូធម្មជាតិ ឲ្យផ្ទះលោកអ្នកពោរពេញដោយភាពជាខ្មែរ។"
    ),
    "Ceramics": "គ្រឿងស្មូន",
    "Glazed stoneware thrown by potters in Kampong Chhnang.": (
        "គ្រឿងស្មូនដុតរឹងលាបថ្នាំរលោង សូនដោយជាងស្មូននៅខេត្តកំពង់ឆ្នាំង។"
    ),
    "Celadon Rice Bowl": "ចានបាយ",
    "A jade-green celadon bowl for rice and soup.": (
        "ចានលាបថ្នាំសេឡាដុនពណ៌បៃតងត្បូងជេដ សម្រាប់ដាក់បាយ និងសម្ល។"
    ),
    "Diameter": "អង្កត់ផ្ចិត",
    "12 cm": "12 cm",
    "Dishwasher safe": "ដាក់ម៉ាស៊ីនលាងចានបាន",
    "Yes": "បាន",
    "Stoneware Teapot": "ប៉ាន់តែគ្រឿងស្មូន",
    "A hand-thrown teapot with a bamboo handle.": "ប៉ាន់តែសូនដោយដៃ មានដៃកាន់ធ្វើពីឫស្សី។",
    "Capacity": "ចំណុះ",
    "800 ml": "800 ml",
    "Clay Cooking Pot": "ឆ្នាំងដី",
    "Traditional Kampong Chhnang clay pot for slow-cooked curries.": (
        "ឆ្នាំងដីបុរាណពីខេត្តកំពង់ឆ្នាំង សម្រាប់ធ្វើការីដាំយូរលើភ្លើងតិចៗ។"
    ),
    "2 l": "2 l",
    "Espresso Cups, Set of Four": "ពែងអេស្ប្រេសូ ឈុត 4",
    "Four small cups in a speckled glaze.": "ពែងតូចៗចំនួន 4 លាបថ្នាំពណ៌អុចៗ។",
    "90 ml each": "90 ml ក្នុងមួយពែង",
    "Baskets & Rattan": "កន្ត្រក និងផ្តៅ",
    "Baskets, trays and lamps woven from rattan, bamboo and water hyacinth.": (
        "កន្ត្រក ថាស និងចង្កៀង ត្បាញពីផ្តៅ ឫស្សី និងកំប្លោក។"
    ),
    "Rattan Market Basket": "កន្ត្រក",
    "A sturdy basket for market days, with leather handles.": (
        "កន្ត្រករឹងមាំសម្រាប់យួរទៅផ្សារ មានដៃយួរធ្វើពីស្បែក។"
    ),
    "40 × 25 × 30 cm": "40 × 25 × 30 cm",
    "Natural": "ពណ៌ធម្មជាតិ",
    "Water Hyacinth Storage Box": "ប្រអប់ទុកដាក់របស់ត្បាញពីកំប្លោក",
    "A lidded box woven from water hyacinth from the Tonle Sap.": (
        "ប្រអប់មានគម្រប ត្បាញពីកំប្លោកបឹងទន្លេសាប។"
    ),
    "35 × 25 × 20 cm": "35 × 25 × 20 cm",
    "Bamboo Pendant Lamp": "ចង្កៀងព្យួរឫស្សី",
    "A woven bamboo shade that casts warm patterns.": (
        "គម្របចង្កៀងឫស្សីត្បាញ បញ្ចាំងពន្លឺជាក្បាច់ស្រស់ស្អាតកក់ក្តៅ។"
    ),
    "40 cm": "40 cm",
    "Fitting": "ប្រភេទជើងអំពូល",
    "E27": "E27",
    "Rattan Placemats, Set of Six": "កម្រាលចានផ្តៅ ឈុត 6",
    "Round woven placemats for everyday meals.": "កម្រាលចានត្បាញរាងមូល សម្រាប់អាហារប្រចាំថ្ងៃ។",
    "35 cm": "35 cm",
    "Candles & Soap": "ទៀន និងសាប៊ូ",
    "Natural soaps and candles scented with Cambodian herbs.": (
        "សាប៊ូ និងទៀនធម្មជាតិ ក្លិនក្រអូបពីរុក្ខជាតិឱសថខ្មែរ។"
    ),
    "Lemongrass Soap Bar": "សាប៊ូស្លឹកគ្រៃ",
    "Cold-process soap with coconut oil and lemongrass.": (
        "សាប៊ូធ្វើដោយដៃតាមវិធីត្រជាក់ លាយប្រេងដូង និងស្លឹកគ្រៃ។"
    ),
    "Jasmine Soy Candle": "ទៀនម្លិះ",
    "A soy wax candle scented with night jasmine.": "ទៀនក្រមួនសណ្តែកសៀង ក្លិនក្រអូបផ្កាម្លិះពេលរាត្រី។",
    "Burn time": "រយៈពេលឆេះ",
    "40 hours": "40 ម៉ោង",
    "Coconut Body Oil": "ប្រេងដូងលាបខ្លួន",
    "Cold-pressed coconut oil for skin and hair.": "ប្រេងដូងច្របាច់ត្រជាក់ សម្រាប់ថែស្បែក និងសក់។",
    "100 ml": "100 ml",
    "Spa Gift Basket": "កន្ត្រកកាដូស្ប៉ា",
    "Soap, candle, body oil and a krama in a rattan basket.": (
        "សាប៊ូ ទៀន ប្រេងលាបខ្លួន និងក្រមា ក្នុងកន្ត្រកផ្តៅ។"
    ),
    "4 items": "4 មុខ",
    # --- data.BULK_CATEGORY, and the words of the generated products' titles ----------------
    # In Khmer the adjective follows the noun: "{noun} {adjective}" ("កន្ត្រក ធ្វើដោយដៃ").
    "Market Finds": "ទំនិញល្អៗពីផ្សារ",
    "More from our makers: a large range for everyday needs.": (
        "ផលិតផលបន្ថែមពីអ្នកផលិតរបស់យើង៖ ជម្រើសច្រើនសម្រាប់ការប្រើប្រាស់ប្រចាំថ្ងៃ។"
    ),
    "Everyday": "ប្រើប្រចាំថ្ងៃ",
    "Handmade": "ធ្វើដោយដៃ",
    "Classic": "បែបបុរាណ",
    "Village": "បែបភូមិ",
    "Riverside": "មាត់ទន្លេ",
    "Highland": "ខ្ពង់រាប",
    "Golden": "ពណ៌មាស",
    "Lotus": "ផ្កាឈូក",
    "Basket": "កន្ត្រក",
    "Bowl": "ចាន",
    "Scarf": "កន្សែង",
    "Tea": "តែ",
    "Soap": "សាប៊ូ",
    "Candle": "ទៀន",
    "Tray": "ថាស",
    "Pouch": "កាបូបតូច",
    "Mat": "កន្ទេល",
    "Spice Mix": "គ្រឿងទេសចម្រុះ",
    # --- data.DELIVERY_METHODS (label, description) -----------------------------------------
    "Phnom Penh delivery (same or next day)": "ដឹកក្នុងភ្នំពេញ (ដល់ក្នុងថ្ងៃ ឬថ្ងៃបន្ទាប់)",
    "Delivered by our own riders.": "ដឹកជូនដោយអ្នកដឹកផ្ទាល់របស់ហាងយើង។",
    "Province delivery by courier (1–3 days)": "ដឹកទៅខេត្តតាមក្រុមហ៊ុនដឹកជញ្ជូន (1–3 ថ្ងៃ)",
    "Virak Buntham or J&T Express.": "វីរៈ ប៊ុនថាំ ឬ J&T Express។",
    "Pick up at the shop": "មកយកផ្ទាល់នៅហាង",
    "Street 240, Daun Penh; ready within 2 hours.": (
        "ផ្លូវ 240 ខណ្ឌដូនពេញ៖ រួចរាល់សម្រាប់មកយកក្នុងរយៈពេល 2 ម៉ោង។"
    ),
    # --- load_demo: the home page (configure_home) ------------------------------------------
    "Shop by category": "ទិញតាមប្រភេទទំនិញ",
    "Best sellers": "លក់ដាច់បំផុត",
    "Phnom Penh": "ភ្នំពេញ",
    "Other provinces": "ខេត្តផ្សេងៗ",
    "Free delivery in Phnom Penh": "ដឹកជូនឥតគិតថ្លៃក្នុងភ្នំពេញ",
    "On orders over $30. Provinces by Virak Buntham or J&T in 1–3 days.": (
        "សម្រាប់ការបញ្ជាទិញលើសពី $30។ ផ្ញើទៅខេត្តតាមវីរៈ ប៊ុនថាំ ឬ J&T ក្នុងរយៈពេល 1–3 ថ្ងៃ។"
    ),
    "Browse the pantry": "មើលអាហារ និងភេសជ្ជៈ",
    "New arrivals": "ទំនិញមកដល់ថ្មី",
    # --- load_demo: a product's description and variant label (product) ---------------------
    # The label "Size" is the specification name above.
    "Made for us by a small workshop in Cambodia, and checked by hand before it ships.": (
        "ផលិតឲ្យហាងយើងដោយរោងជាងតូចមួយនៅកម្ពុជា ហើយត្រួតពិនិត្យដោយដៃម្តងមួយៗ មុនពេលផ្ញើចេញ។"
    ),
    "Care and use": "ការថែទាំ និងរបៀបប្រើ",
    "Keep dry and out of direct sun.": "ទុកនៅកន្លែងស្ងួត និងជៀសពីពន្លឺថ្ងៃផ្ទាល់។",
    "Questions? Message us on Telegram.": "មានសំណួរ? ផ្ញើសារមកយើងតាម Telegram។",
    "Option": "ជម្រើស",
    # --- data.CONTENT_PAGES (footer information pages) -----------------------------------
    "About us": "អំពីយើង",
    "A small Phnom Penh shop for things made in Cambodia.": (
        "ហាងតូចមួយនៅភ្នំពេញ សម្រាប់ទំនិញដែលផលិតនៅកម្ពុជា។"
    ),
    (
        "Angkor Market started in 2019 as a stall at the Russian Market. Today we work "
        "with more than thirty families and workshops in Takeo, Kampot, Kampong Cham and "
        "Mondulkiri."
    ): (
        "ផ្សារអង្គរ បានចាប់ផ្តើមនៅឆ្នាំ 2019 ជាតូបលក់ដូរតូចមួយនៅផ្សារទួលទំពូង។ "
        "សព្វថ្ងៃ យើងសហការជាមួយគ្រួសារ និងរោងជាងតូចៗច្រើនជាង 30 "
        "នៅខេត្តតាកែវ កំពត កំពង់ចាម និងមណ្ឌលគិរី។"
    ),
    (
        "We visit every maker, pay them on delivery of their goods, and check each piece "
        "by hand before it is sent to you."
    ): (
        "យើងចុះជួបអ្នកផលិតគ្រប់រូបដោយផ្ទាល់ ទូទាត់ប្រាក់ជូនពួកគាត់ភ្លាមៗនៅពេលទទួលបានទំនិញ "
        "ហើយត្រួតពិនិត្យទំនិញម្តងមួយៗដោយដៃ មុនពេលផ្ញើទៅដល់លោកអ្នក។"
    ),
    "Delivery and payment": "ការដឹកជញ្ជូន និងការទូទាត់ប្រាក់",
    "How we get your order to you, and how you can pay.": (
        "របៀបដែលយើងដឹកការបញ្ជាទិញទៅដល់លោកអ្នក និងរបៀបទូទាត់ប្រាក់។"
    ),
    (
        "In Phnom Penh our own riders deliver the same day for orders placed before "
        "14:00, and the next day after that. Provinces are served by Virak Buntham or J&T "
        "Express in one to three days."
    ): (
        "នៅភ្នំពេញ អ្នកដឹកផ្ទាល់របស់ហាងយើងដឹកជូនក្នុងថ្ងៃតែមួយ សម្រាប់ការបញ្ជាទិញមុនម៉ោង 14:00 "
        "ហើយការបញ្ជាទិញក្រោយម៉ោងនេះ នឹងដឹកជូននៅថ្ងៃបន្ទាប់។ សម្រាប់បណ្តាខេត្ត "
        "យើងផ្ញើតាមវីរៈ ប៊ុនថាំ ឬ J&T Express ដែលដល់ក្នុងរយៈពេល 1–3 ថ្ងៃ។"
    ),
    (
        "Pay by scanning the KHQR code with ABA, ACLEDA, Wing or any other Cambodian "
        "banking app. The code is valid for 15 minutes; your order is confirmed as soon "
        "as the payment arrives."
    ): (
        "ទូទាត់ប្រាក់ដោយស្កេនកូដ KHQR តាមកម្មវិធី ABA, ACLEDA, Wing "
        "ឬកម្មវិធីធនាគារផ្សេងទៀតណាមួយនៅកម្ពុជា។ កូដនេះមានសុពលភាពរយៈពេល 15 នាទី "
        "ហើយការបញ្ជាទិញរបស់លោកអ្នកនឹងត្រូវបានបញ្ជាក់ភ្លាមៗ នៅពេលយើងទទួលបានប្រាក់។"
    ),
    "Returns and refunds": "ការប្រគល់ទំនិញវិញ និងការសងប្រាក់វិញ",
    "Changed your mind? You have 7 days.": "ប្តូរចិត្តវិញ? លោកអ្នកមានពេល 7 ថ្ងៃ។",
    (
        "You can return any unused item within 7 days of delivery. Message us on "
        "Telegram or call us with your order number, and we will arrange the pickup."
    ): (
        "លោកអ្នកអាចប្រគល់ទំនិញដែលមិនទាន់បានប្រើវិញបាន ក្នុងរយៈពេល 7 ថ្ងៃគិតពីថ្ងៃទទួលទំនិញ។ "
        "សូមផ្ញើសារមកយើងតាម Telegram ឬទូរស័ព្ទមកយើង ដោយប្រាប់លេខការបញ្ជាទិញរបស់លោកអ្នក "
        "ហើយយើងនឹងរៀបចំទៅយកទំនិញពីលោកអ្នក។"
    ),
    (
        "We refund to the bank account you paid from within 3 working days of receiving "
        "the item. Food cannot be returned once opened."
    ): (
        "យើងនឹងសងប្រាក់វិញចូលគណនីធនាគារដែលលោកអ្នកបានប្រើទូទាត់ ក្នុងរយៈពេល 3 ថ្ងៃធ្វើការ "
        "បន្ទាប់ពីយើងទទួលបានទំនិញវិញ។ ចំពោះអាហារ មិនអាចប្រគល់វិញបានទេ ប្រសិនបើបានបើកហើយ។"
    ),
    "Privacy": "ឯកជនភាព",
    "What we keep about you, and why.": "ព័ត៌មានអ្វីខ្លះរបស់លោកអ្នកដែលយើងរក្សាទុក និងហេតុអ្វី។",
    (
        "We keep your name, phone number, e-mail and address to deliver your orders and "
        "to contact you about them. We never sell them or share them with anyone except "
        "the courier who brings your parcel."
    ): (
        "យើងរក្សាទុកឈ្មោះ លេខទូរស័ព្ទ អ៊ីមែល និងអាសយដ្ឋានរបស់លោកអ្នក "
        "ដើម្បីដឹកជញ្ជូនការបញ្ជាទិញ និងទាក់ទងលោកអ្នកអំពីការបញ្ជាទិញទាំងនោះ។ "
        "យើងមិនដែលលក់ ឬចែករំលែកព័ត៌មានទាំងនេះទៅអ្នកណាឡើយ "
        "លើកលែងតែអ្នកដឹកជញ្ជូនដែលយកកញ្ចប់ឥវ៉ាន់ទៅជូនលោកអ្នក។"
    ),
    "You can ask us at any time to see or delete the information we hold about you.": (
        "លោកអ្នកអាចស្នើសុំមើល ឬលុបព័ត៌មានរបស់លោកអ្នកដែលយើងរក្សាទុក បានគ្រប់ពេលវេលា។"
    ),
    "Terms of sale": "លក្ខខណ្ឌនៃការលក់",
    "The rules of buying from Angkor Market.": "គោលការណ៍សម្រាប់ការទិញទំនិញពីផ្សារអង្គរ។",
    (
        "Prices are in US dollars and include VAT; the riel amount is shown for "
        "convenience at the exchange rate of the day. An order is confirmed when it is "
        "paid."
    ): (
        "តម្លៃទាំងអស់គិតជាដុល្លារអាមេរិក និងរួមបញ្ចូលអាករលើតម្លៃបន្ថែមរួចហើយ។ "
        "ចំនួនទឹកប្រាក់ជាប្រាក់រៀល បង្ហាញជូនដើម្បីភាពងាយស្រួល តាមអត្រាប្តូរប្រាក់ប្រចាំថ្ងៃ។ "
        "ការបញ្ជាទិញត្រូវបានបញ្ជាក់ នៅពេលលោកអ្នកទូទាត់ប្រាក់រួចរាល់។"
    ),
    (
        "If an item turns out to be out of stock after you paid, we refund you in full "
        "within 3 working days."
    ): (
        "ប្រសិនបើទំនិញណាមួយអស់ពីស្តុក បន្ទាប់ពីលោកអ្នកបានទូទាត់ប្រាក់រួច "
        "យើងនឹងសងប្រាក់វិញជូនលោកអ្នកទាំងស្រុង ក្នុងរយៈពេល 3 ថ្ងៃធ្វើការ។"
    ),
}
