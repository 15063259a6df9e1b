"""Messages shoppers send the shop from a contact page.

- ``ContactForm``: name, a phone number or an e-mail address (many shoppers have no e-mail;
  either one will do), and the message. Text the database cannot store is refused with a field
  error like on every form (``kernel.input``).
- ``filled_trap``: the honeypot. The page has one more box, hidden from people, that only a
  program filling in every box fills in. Such a post gets the usual thank-you and is dropped.
- ``receive_message``: the use case. At most ``MESSAGES_PER_CLIENT`` messages from one client
  address per ``LIMIT_WINDOW_SECONDS`` (counted in the shared cache); then the message is stored
  with the page's form submissions (Wagtail's "Forms" in the admin lists them) and
  ``catalog.events.contact_message_received`` is sent in the same transaction. The
  notifications app queues the owner's e-mail from it; it is sent by the worker, never
  during the shopper's request.

The page model (``catalog.models.contact.ContactPage``) only turns the request into these calls.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import events
from kernel.errors import ShopError
from kernel.input import StorableTextForm
from kernel.phones import any_phone
from kernel.throttle import count_hit

# Five messages in a quarter of an hour is more than a shopper writes, and little enough that
# a flood from one address stops quickly. Phone networks in Cambodia put many customers behind
# one address, so the limit is not set tighter.
MESSAGES_PER_CLIENT = 5
LIMIT_WINDOW_SECONDS = 15 * 60
THROTTLE_SCOPE = "contact-message"

# The name of the hidden box. Something a bot wants to fill in, and that browsers do not
# fill in for people (they get autocomplete="off" too).
HONEYPOT = "homepage"

MESSAGE_MAX_LENGTH = 2000


class TooManyMessages(ShopError):
    status = 429


class PhoneInput(forms.TextInput):
    # A phone keypad on phones.
    input_type = "tel"


class ContactForm(StorableTextForm, forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Your name"))
    phone = forms.CharField(
        max_length=30,
        required=False,
        label=gettext_lazy("Phone"),
        help_text=gettext_lazy("We call you or answer on Telegram. For example 012 345 678."),
        widget=PhoneInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        max_length=254,
        required=False,
        label=gettext_lazy("E-mail"),
        help_text=gettext_lazy("If you would rather have the answer by e-mail."),
    )
    message = forms.CharField(
        max_length=MESSAGE_MAX_LENGTH,
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_name(self):
        # One line: the name goes into the owner's e-mail subject.
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return any_phone(phone) if phone else ""

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean(self):
        cleaned = super().clean()
        # Only when neither box has an error of its own: an invalid number already says so.
        no_way_to_answer = not cleaned.get("phone") and not cleaned.get("email")
        if no_way_to_answer and "phone" not in self.errors and "email" not in self.errors:
            self.add_error(
                "phone",
                ValidationError(
                    _("Give us a phone number or an e-mail address, so we can answer you."),
                    code="no_way_to_answer",
                ),
            )
        return cleaned


def filled_trap(data):
    """Whether a post filled in the hidden box (only programs see it)."""
    return bool((data.get(HONEYPOT) or "").strip())


def receive_message(page, form, client, language):
    """Store a valid message (``form``) sent from ``page`` and tell the shop about it.

    ``client``: the sender's address (``kernel.throttle.client_address``); ``language``: the
    language of the page it was written on, for the owner's reply. Raises
    ``TooManyMessages`` past the limit, before anything is stored."""
    if count_hit(THROTTLE_SCOPE, client, LIMIT_WINDOW_SECONDS) > MESSAGES_PER_CLIENT:
        raise TooManyMessages(
            _(
                "You have sent us several messages in a short time, so this one was not sent. "
                "Please wait a few minutes and send it again, or call us."
            ),
            code="too_many_messages",
        )
    data = {
        "name": form.cleaned_data["name"],
        "phone": form.cleaned_data["phone"],
        "email": form.cleaned_data["email"],
        "message": form.cleaned_data["message"],
        "language": language,
    }
    with transaction.atomic():
        submission = page.get_submission_class().objects.create(page=page, form_data=data)
        events.contact_message_received.send(sender=type(page), page=page, submission=submission)
    return submission
