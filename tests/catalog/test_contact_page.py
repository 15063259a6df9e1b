"""The contact page: a shopper's message is kept in the admin and e-mailed to the owner by the
worker (through the outbox, never during the request); programs that fill in the hidden box
and clients that send too much are turned away without an error page; bad input is shown
back with what was typed; the page reads in Khmer on Khmer URLs."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.forms.models import FormSubmission

from catalog.contact import HONEYPOT, MESSAGE_MAX_LENGTH, MESSAGES_PER_CLIENT
from catalog.models import ContactPage
from notifications import messages
from notifications.contact import KIND
from notifications.models import EMAIL, Notification
from notifications.sending import deliver_notifications
from tests.factories import home_page, make_category

pytestmark = pytest.mark.django_db

OWNER = "owner@angkormarket.test"
KHMER_TITLE = "ទាក់ទងមកយើង"
KHMER_INTRO = "សូមសរសេរមកយើង យើងនឹងឆ្លើយតបក្នុងរយៈពេលមួយថ្ងៃ។"
KHMER_THANKS = "សូមអរគុណ! យើងបានទទួលសាររបស់អ្នកហើយ។"
# With a four-byte character (the emoji), which utf8mb4 stores. A NUL is refused (below); lone
# surrogates cannot reach a form (Django decodes such bytes as U+FFFD).
MESSAGE = "Do you still have the red krama? I'd like two 🙂"


@pytest.fixture
def page(shop, settings):
    settings.SHOP_OWNER_EMAIL = OWNER
    page = ContactPage(
        title="Contact us",
        slug="contact",
        title_km=KHMER_TITLE,
        intro="Write to us and we answer within a day.",
        intro_km=KHMER_INTRO,
        thank_you_text="Thanks! We have your message.",
        thank_you_text_km=KHMER_THANKS,
    )
    home_page().add_child(instance=page)
    page.save_revision().publish()
    return page


def url_in(page, language):
    with translation.override(language):
        return page.url


def post(page, data, language="en", address="203.0.113.7", client=None, **headers):
    client = client or Client()
    return client.post(url_in(page, language), data, REMOTE_ADDR=address, **headers)


def filled(**changes):
    data = {"name": "Sok Dara", "phone": "012 345 678", "email": "", "message": MESSAGE}
    data.update(changes)
    return data


def text_of(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def form_values(response):
    """What the re-shown form holds, by field name."""
    form = BeautifulSoup(response.content, "html.parser").select_one("form.contact-form")
    values = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    values.update({area["name"]: area.get_text() for area in form.select("textarea")})
    return values


def test_a_message_reaches_the_owner_through_the_outbox_in_the_owners_language(page, shop):
    shop.owner_language = "km"
    shop.save()

    response = post(page, filled())

    # The shopper is sent to the thank-you, which a reload does not send again.
    assert response.status_code == 303
    assert response["Location"] == url_in(page, "en") + "?sent=1"
    thanks = Client().get(response["Location"])
    assert thanks.status_code == 200
    assert "Thanks! We have your message." in text_of(thanks)
    assert 'name="message"' not in thanks.content.decode()

    # Kept with the page's submissions (the admin's "Forms"), the number made international.
    [submission] = FormSubmission.objects.filter(page=page)
    assert submission.form_data == {
        "name": "Sok Dara",
        "phone": "+85512345678",
        "email": "",
        "message": MESSAGE,
        "language": "en",
    }
    # One e-mail for the owner waits in the outbox, unrendered: nothing was sent during the
    # request.
    [queued] = Notification.objects.all()
    assert (queued.kind, queued.channel, queued.recipient) == (KIND, EMAIL, OWNER)
    assert queued.order is None and queued.body_text == ""
    assert mail.outbox == []

    # The worker writes it in the owner's language (Khmer here: the page's Khmer title).
    subject, text, body_html = messages.render(queued)
    assert subject.startswith("Angkor Market: ") and "Sok Dara" in subject
    assert MESSAGE in text and "+85512345678" in text and KHMER_TITLE in text
    assert '<html lang="km">' in body_html and "+85512345678" in body_html
    assert f"/admin/forms/submissions/{page.pk}/" in text

    assert deliver_notifications() == {"sent": 1, "failed": 0}
    [sent] = mail.outbox
    assert sent.to == [OWNER] and MESSAGE in sent.body


def test_the_message_is_listed_for_editors_in_the_admin(page, admin_client):
    post(page, filled(phone="", email="dara@example.com"))
    response = admin_client.get(reverse("wagtailforms:list_submissions", args=[page.pk]))
    assert response.status_code == 200
    listing = text_of(response)
    assert "dara@example.com" in listing and "Sok Dara" in listing


def test_a_program_filling_the_hidden_box_is_thanked_and_forgotten(page):
    response = post(page, filled(**{HONEYPOT: "https://cheap-pills.example"}))
    assert response.status_code == 303
    assert response["Location"].endswith("?sent=1")  # exactly what a person gets
    assert not FormSubmission.objects.exists()
    assert not Notification.objects.exists()

    # Even with nothing else filled in: it learns nothing about the form's rules.
    response = post(page, {HONEYPOT: "x"})
    assert response.status_code == 303
    assert not FormSubmission.objects.exists()


def test_the_hidden_box_is_on_the_page_but_not_for_people(page):
    html = BeautifulSoup(Client().get(url_in(page, "en")).content, "html.parser")
    trap = html.select_one(f'input[name="{HONEYPOT}"]')
    assert trap is not None and trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    wrapper = trap.find_parent("div")
    assert wrapper["aria-hidden"] == "true" and "visually-hidden" in wrapper["class"]


def test_too_many_messages_from_one_address_get_a_clear_answer(page, settings):
    for number in range(MESSAGES_PER_CLIENT):
        assert post(page, filled(message=f"Message {number}")).status_code == 303

    response = post(page, filled(message="One more, please read it"))
    assert response.status_code == 429
    assert "several messages in a short time" in text_of(response)
    # Nothing the shopper typed is lost, and nothing more was stored or queued.
    assert form_values(response)["message"].strip() == "One more, please read it"
    assert FormSubmission.objects.count() == MESSAGES_PER_CLIENT
    assert Notification.objects.count() == MESSAGES_PER_CLIENT

    # Another shopper is not affected.
    assert post(page, filled(), address="203.0.113.8").status_code == 303

    # Behind the proxy, the address nginx saw counts, whatever the client put before it.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    response = post(
        page,
        filled(),
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7",
    )
    assert response.status_code == 429


def test_the_khmer_page_reads_in_khmer_and_thanks_in_khmer(page):
    response = Client().get(url_in(page, "km"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="km"' in html
    text = text_of(response)
    assert KHMER_TITLE in text and KHMER_INTRO in text
    assert "Write to us" not in text

    sent = post(page, filled(name="សុខ តារា", message="តើមានក្រមាពណ៌ក្រហមទេ?"), language="km")
    assert sent["Location"] == url_in(page, "km") + "?sent=1"
    assert KHMER_THANKS in text_of(Client().get(sent["Location"]))
    submission = FormSubmission.objects.get()
    assert submission.form_data["language"] == "km"
    assert submission.form_data["name"] == "សុខ តារា"


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (filled(name="   "), "name", "This field is required."),
        (filled(phone="", email=""), "phone", "a phone number or an e-mail address"),
        (filled(phone="12345"), "phone", "Enter a phone number"),
        (filled(phone="", email="dara@"), "email", "Enter a valid email address."),
        (filled(message=""), "message", "This field is required."),
        (filled(message="x" * (MESSAGE_MAX_LENGTH + 1)), "message", "at most 2000"),
        (filled(message="Hello\x00there"), "message", "Null characters are not allowed."),
    ],
    ids=["no-name", "no-way-to-answer", "bad-phone", "bad-email", "empty", "too-long", "nul"],
)
def test_bad_input_is_shown_back_with_what_was_typed(page, data, field, error):
    response = post(page, data)
    assert response.status_code == 200
    document = BeautifulSoup(response.content, "html.parser")
    errors = document.select_one(f"#id_{field}_error")
    assert errors is not None and error in errors.get_text(), text_of(response)
    # Everything typed is still there (a NUL shown as the replacement character).
    values = form_values(response)
    for name, typed in data.items():
        if name != HONEYPOT:
            assert values[name].strip() == typed.replace("\x00", "\ufffd").strip()
    # Every aria-describedby points at something on the page.
    for control in document.select("form.contact-form [aria-describedby]"):
        for target in control["aria-describedby"].split():
            assert document.find(id=target) is not None, target
    assert not FormSubmission.objects.exists() and not Notification.objects.exists()


def test_the_form_page_is_never_cached_with_its_csrf_token(page, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 300
    client = Client(enforce_csrf_checks=True)
    first = client.get(url_in(page, "en"))
    second = Client().get(url_in(page, "en"))
    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first.content.decode())
    assert token
    # The form works with the page's own token.
    response = client.post(
        url_in(page, "en"),
        {**filled(), "csrfmiddlewaretoken": token.group(1)},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 303


def test_without_an_owner_address_the_message_is_kept_and_nothing_is_queued(page, settings):
    settings.SHOP_OWNER_EMAIL = ""
    assert post(page, filled()).status_code == 303
    assert FormSubmission.objects.count() == 1
    assert not Notification.objects.exists()


def test_editors_add_a_contact_page_under_the_home_page(page, admin_client):
    home = home_page()
    response = admin_client.get(f"/admin/pages/add/catalog/contactpage/{home.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="thank_you_text_km"' in html and 'name="intro_km"' in html
    assert ContactPage.can_create_at(home)
    assert not ContactPage.can_create_at(make_category())
    # Previews of the form and of the thank-you, in either language.
    modes = [mode for mode, _label in page.preview_modes]
    assert modes == ["en", "km", "sent-en", "sent-km"]


@pytest.mark.parametrize(
    ("mode", "expected", "form_shown"),
    [("km", KHMER_INTRO, True), ("sent-km", KHMER_THANKS, False), ("sent-en", "Thanks!", False)],
)
def test_editors_preview_the_form_and_the_thank_you(page, rf, mode, expected, form_shown):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = page.serve_preview(request, mode)
    html = response.content.decode()
    assert expected in html
    assert ('name="message"' in html) is form_shown
