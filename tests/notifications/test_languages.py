"""Every message is written in its reader's language: the shopper's in the language they
ordered in, the shop's own (new paid orders, late payments, low stock, Telegram) in the owner's
(Shop settings). Whatever language the worker happens to run in, and with links to the order's
page in that language.

The shop, its products and the shopper's details are written in Khmer here, so any run of Latin
letters in a Khmer message is text the shop wrote: a string nobody marked, or one the Khmer
catalogue lacks. Needs the compiled Khmer catalogue (``bin/messages compile``).
"""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from checkout.models import DeliveryMethod, Payment, Status
from checkout.orders import CheckoutDetails, place_order
from checkout.status import change_status
from kernel.models import ShopSettings
from notifications import messages
from notifications.models import EMAIL, TELEGRAM, Notification
from notifications.sending import deliver_notifications
from tests.factories import make_cart, make_category, make_product

pytestmark = pytest.mark.django_db

KHMER = re.compile("[\u1780-\u17ff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]+")
URL_OR_EMAIL = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Names that stay the same in Khmer.
SAME_IN_KHMER = {"KHQR", "Bakong", "USD", "KHR", "SKU", "KR"}
# What the shop's editors and the shopper wrote (longest first, as some contain others).
KHMER_CONTENT = ["ផ្ទះលេខ ១ ផ្លូវ ២៤០", "ដឹកក្នុងភ្នំពេញ", "ក្រមាក្រហម", "ផ្សារអង្គរ", "សុខ តារា", "ភ្នំពេញ"]
ENGLISH_SENTENCES = [
    "Thank you",
    "We have reserved",
    "Pay for your order",
    "waiting for payment",
    "Subtotal",
    "Total",
    "receipt",
    "Dear",
    "See your order",
    "Delivery to",
    "Payment received",
    "is paid",
    "new paid order",
    "on its way",
]


@pytest.fixture
def khmer_shop(shop, settings):
    settings.SHOP_OWNER_EMAIL = "owner@angkormarket.test"
    shop.shop_name = "ផ្សារអង្គរ"
    shop.address = "ភ្នំពេញ"
    shop.save()
    delivery = DeliveryMethod.objects.create(code="pp", label="ដឹកក្នុងភ្នំពេញ", fee=Decimal("1.50"))
    product = make_product(make_category(title="ក្រមា"), title="ក្រមាក្រហម", sku="KR-1", price="8.90")
    return {"shop": shop, "delivery": delivery, "product": product}


def place(khmer_shop, language, quantity=2):
    details = CheckoutDetails(
        email="dara@example.com",
        name="សុខ តារា",
        phone="+85512345678",
        address="ផ្ទះលេខ ១ ផ្លូវ ២៤០",
        province="Phnom Penh",
        delivery_method=khmer_shop["delivery"],
        currency="USD",
    )
    cart = make_cart((khmer_shop["product"], quantity))
    order, created = place_order(cart, details, ShopSettings.current(), language=language)
    assert created and order.language == language
    return order


def pay(order):
    change_status(order.pk, Status.PAID, reason="Paid in a test")
    order.refresh_from_db()
    return order


def sent(text):
    """The one e-mail sent whose subject holds ``text``."""
    found = [message for message in mail.outbox if text in message.subject]
    assert len(found) == 1, [message.subject for message in mail.outbox]
    return found[0]


def html_of(message):
    [(body, kind)] = message.alternatives
    assert kind == "text/html"
    return body


def english_left(text, order):
    """The Latin words a Khmer reader would meet (names the shop keeps as they are, e-mail
    addresses, links and the order's number aside)."""
    text = re.sub(r"<[^>]+>", " ", URL_OR_EMAIL.sub(" ", text.replace(order.number, " ")))
    words = {word.strip("-'’") for word in LATIN_WORD.findall(text)}
    return sorted(words - SAME_IN_KHMER)


def assert_khmer(message, order):
    for part in (message.subject, message.body, html_of(message)):
        assert KHMER.search(part), part
        assert not english_left(part, order), (english_left(part, order), part)
    for sentence in ENGLISH_SENTENCES:
        assert sentence not in message.body and sentence not in message.subject


def assert_english(message):
    for part in (message.subject, message.body, html_of(message)):
        # The shop's own names and the shopper's details are Khmer here: no Khmer beyond them.
        words = part
        for name in KHMER_CONTENT:
            words = words.replace(name, "")
        assert not KHMER.search(words), part


def test_an_order_placed_in_khmer_is_mailed_in_khmer(khmer_shop):
    order = place(khmer_shop, "km")
    deliver_notifications()  # the worker runs in English (the site default): no matter
    message = sent(order.number)
    assert message.to == ["dara@example.com"]
    assert message.subject == f"ផ្សារអង្គរ: ការបញ្ជាទិញ {order.number} កំពុងរង់ចាំការទូទាត់"
    assert "សូមអរគុណ សុខ តារា!" in message.body
    assert "សរុបរង" in message.body and "សរុប" in message.body
    assert "ទូទាត់ប្រាក់សម្រាប់ការបញ្ជាទិញ" in html_of(message)  # the button
    assert '<html lang="km">' in html_of(message)
    # The link opens the order page in Khmer.
    assert order.get_absolute_url().startswith("/km/")
    assert order.get_absolute_url() in message.body
    # Amounts are written as on the shop's pages in every language (not "17,80").
    assert "17.80 USD" in message.body and "19.30 USD" in message.body
    assert_khmer(message, order)


def test_a_khmer_receipt_and_status_mails_are_khmer(khmer_shop):
    order = pay(place(khmer_shop, "km"))
    change_status(order.pk, Status.PROCESSING, reason="Packed")
    change_status(order.pk, Status.SHIPPED, reason="Sent")
    deliver_notifications()
    receipt = sent("បង្កាន់ដៃសម្រាប់ការបញ្ជាទិញ")
    assert "យើងបានទទួលការទូទាត់របស់អ្នក" in receipt.body
    assert "ដឹកជញ្ជូនទៅ" in receipt.body and "ភ្នំពេញ" in receipt.body
    assert_khmer(receipt, order)
    shipped = sent("កំពុងដឹកជញ្ជូនទៅអ្នក")
    assert "ដំណឹងល្អ" in shipped.body
    assert_khmer(shipped, order)


def test_an_order_placed_in_english_is_mailed_in_english(khmer_shop):
    order = place(khmer_shop, "en")
    with translation.override("km"):  # whatever the worker's language
        deliver_notifications()
    message = sent(order.number)
    assert message.subject == f"ផ្សារអង្គរ: order {order.number} is waiting for payment"
    assert "Thank you, សុខ តារា!" in message.body
    assert "Pay for your order" in html_of(message)
    assert "Total: 19.30 USD" in message.body
    assert '<html lang="en">' in html_of(message)
    assert order.get_absolute_url().startswith("/en/")
    assert order.get_absolute_url() in message.body and "/km/" not in message.body
    assert_english(message)


def test_the_owner_gets_new_orders_in_the_owner_language(khmer_shop):
    shop = khmer_shop["shop"]
    shop.owner_language = "km"
    shop.save()
    order = pay(place(khmer_shop, "en"))
    deliver_notifications()
    owner = sent("ការបញ្ជាទិញថ្មីបានទូទាត់")
    assert owner.to == ["owner@angkormarket.test"]
    assert f"ការបញ្ជាទិញ {order.number} បានទូទាត់ហើយ" in owner.body
    assert_khmer(owner, order)
    # The shopper ordered in English: their receipt stays English.
    receipt = sent(f"receipt for order {order.number}")
    assert "we have received your payment" in receipt.body
    assert_english(receipt)


def test_an_english_speaking_owner_gets_a_khmer_order_in_english(khmer_shop):
    order = pay(place(khmer_shop, "km"))  # the shop fixture's owner reads English
    deliver_notifications()
    owner = sent(f"new paid order {order.number}")
    assert f"Order {order.number} is paid" in owner.body
    assert_english(owner)
    assert_khmer(sent("បង្កាន់ដៃសម្រាប់ការបញ្ជាទិញ"), order)


def test_a_late_payment_reaches_the_owner_in_the_owner_language(khmer_shop):
    shop = khmer_shop["shop"]
    shop.owner_language = "km"
    shop.save()
    order = place(khmer_shop, "en")
    payment = Payment.objects.get(order=order)
    Payment.objects.filter(pk=payment.pk).update(
        paid_amount=Decimal("19.30"), paid_currency="USD", payer_account="dara@aclb"
    )
    messages.late_payment(Payment.objects.get(pk=payment.pk))
    deliver_notifications()
    owner = sent("ត្រូវការការពិនិត្យ")
    assert "បានទទួល៖ 19.30 USD ពី dara@aclb។" in owner.body
    assert "ហាង → ការទូទាត់" in owner.body


@pytest.mark.parametrize(
    ("changes", "english", "khmer"),
    [
        (
            {"status": "mismatch", "paid_amount": Decimal("5.00"), "paid_currency": "USD"},
            "$5.00 arrived instead of $19.30.",
            "បានទទួល $5.00 ជំនួសឲ្យ $19.30។",
        ),
        ({"status": "late"}, "Paid after the order had stopped waiting for payment.", None),
    ],
)
def test_why_a_payment_needs_attention_is_told_in_the_readers_language(
    khmer_shop, changes, english, khmer
):
    """The stored reason is the English audit line; the owner reads it in their language."""
    order = place(khmer_shop, "en")
    Payment.objects.filter(order=order).update(
        attention_reason="Stored English audit line.", **changes
    )
    payment = Payment.objects.get(order=order)
    with translation.override("en"):
        assert payment.attention_summary == english
    with translation.override("km"):
        summary = payment.attention_summary
    assert summary != english and re.search("[\u1780-\u17ff]", summary)
    if khmer:
        assert summary == khmer


def test_telegram_speaks_the_owner_language(khmer_shop, settings):
    settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_CHAT_ID = "123:abc", "-1001"
    shop = khmer_shop["shop"]
    shop.owner_language = "km"
    shop.save()
    order = pay(place(khmer_shop, "en"))
    paid = Notification.objects.get(order=order, channel=TELEGRAM, kind="owner_order_paid")
    subject, text, body_html = messages.render(paid)
    assert text.startswith(f"💰 <b>ការបញ្ជាទិញបានទូទាត់ {order.number}</b>")
    assert "សរុប៖ <b>$19.30</b>" in text
    assert "អតិថិជន៖ សុខ តារា" in text and "ការដឹកជញ្ជូន៖ ដឹកក្នុងភ្នំពេញ" in text
    assert "/km/" in text
    assert not english_left(text, order)

    low = Notification.objects.create(
        event_key="stock:test",
        channel=TELEGRAM,
        recipient="-1001",
        kind="owner_low_stock",
        data={"item": "ក្រមាក្រហម", "sku": "KR-1", "left": 2},
        body_text="",
    )
    assert messages.render(low)[1] == "📦 <b>ស្តុកជិតអស់</b>៖ ក្រមាក្រហម (KR-1) នៅសល់តែ 2 ទៀត។"

    shop.owner_language = "en"
    shop.save()
    assert messages.render(low)[1] == "📦 <b>Low stock</b>: ក្រមាក្រហម (KR-1) has 2 left."


def test_a_message_rendered_before_languages_is_sent_as_it_was(khmer_shop):
    order = place(khmer_shop, "km")
    old = Notification.objects.get(order=order, channel=EMAIL)
    Notification.objects.filter(pk=old.pk).update(
        subject="Old subject", body_text="Old words", body_html=""
    )
    old.refresh_from_db()
    assert messages.render(old) == ("Old subject", "Old words", "")


def test_dollar_amounts_keep_their_cents_so_columns_line_up(khmer_shop):
    """A whole-dollar line reads "12.00 USD" next to "1.50 USD", not "12 USD"."""
    khmer_shop["product"].price = Decimal("12.00")
    khmer_shop["product"].save_revision().publish()
    order = place(khmer_shop, "en", quantity=1)
    deliver_notifications()
    message = sent(order.number)
    for text in ("12.00 USD", "1.50 USD", "Total: 13.50 USD"):
        assert text in message.body, message.body
        assert text.split(": ")[-1] in html_of(message)
    assert "12 USD" not in message.body
