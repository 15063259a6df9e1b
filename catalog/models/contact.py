"""The contact page: a short text, the shop's phone and address, and a form shoppers send
the shop a message with.

The form is fixed (name, phone or e-mail, message) rather than built by editors from
Wagtail's form fields: what a shopper is asked never needs changing, a phone number must do
instead of an e-mail address (a rule the form builder cannot express), and every word of it is
translated already. Editors write the title, the intro and the thank-you text, in English and
Khmer like every page (``KhmerPage``). Messages are listed with the page's submissions under
"Forms" in the admin (Wagtail's ``FormMixin``) and e-mailed to the owner by the worker
(``catalog.contact`` sends the event; notifications queues the e-mail).

Not cached like the other pages: the form carries a CSRF token of its own.
"""

from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.forms.models import FormMixin
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.models import Page
from wagtail.search import index

from catalog.contact import (
    HONEYPOT,
    ContactForm,
    TooManyMessages,
    filled_trap,
    receive_message,
)
from catalog.models.pages import KhmerPage, khmer_tabs, khmer_title_field
from kernel.throttle import client_address

# ``?sent=1``: where a shopper lands after sending, so that reloading the thank-you does not
# send the message again.
SENT_PARAMETER = "sent"
# Preview modes that show the thank-you instead of the form ("sent-en", "sent-km").
SENT_PREVIEW = "sent-"


class ContactPage(KhmerPage, FormMixin, Page):
    """A page with the contact form, such as "Contact us"."""

    intro = models.TextField(
        gettext_lazy("Intro"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy(
            "A sentence or two above the form, for example when you answer messages."
        ),
    )
    thank_you_text = models.TextField(
        gettext_lazy("Thank-you text"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy(
            "What shoppers read after sending a message. Leave empty for a standard thank-you."
        ),
    )
    title_km = khmer_title_field()
    intro_km = models.TextField(gettext_lazy("Intro"), max_length=500, blank=True)
    thank_you_text_km = models.TextField(gettext_lazy("Thank-you text"), max_length=500, blank=True)
    khmer_fields = KhmerPage.khmer_fields | {
        "intro": "intro_km",
        "thank_you_text": "thank_you_text_km",
    }

    content_panels = [
        FormSubmissionsPanel(heading=gettext_lazy("Messages received")),
        *Page.content_panels,
        FieldPanel("intro", heading=gettext_lazy("Intro")),
        FieldPanel("thank_you_text", heading=gettext_lazy("Thank-you text")),
    ]
    edit_handler = khmer_tabs(
        content_panels,
        [FieldPanel("title_km"), FieldPanel("intro_km"), FieldPanel("thank_you_text_km")],
    )
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("intro_km")]

    parent_page_types = ["catalog.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = gettext_lazy("contact page")
        verbose_name_plural = gettext_lazy("contact pages")

    # --- Wagtail's form page, with the shop's fixed form ---------------------------------

    def get_form_fields(self):
        return []  # no editor-built fields: the form is ContactForm

    def get_form_class(self):
        return ContactForm

    def get_form(self, *args, page=None, user=None, **kwargs):
        return ContactForm(*args, **kwargs)

    def get_data_fields(self):
        """The columns of the admin's list of messages (and its spreadsheet download)."""
        return [
            ("submit_time", gettext_lazy("Received")),
            ("name", gettext_lazy("Name")),
            ("phone", gettext_lazy("Phone")),
            ("email", gettext_lazy("E-mail")),
            ("message", gettext_lazy("Message")),
            ("language", gettext_lazy("Language")),
        ]

    # --- serving -------------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._receive(request)
        sent = request.GET.get(SENT_PARAMETER) == "1"
        return self._render(request, None if sent else ContactForm())

    def _receive(self, request):
        if filled_trap(request.POST):
            # A program filled in the hidden box: it sees what a person would, nothing is kept.
            return self._after_sending(request)
        form = ContactForm(request.POST)
        if not form.is_valid():
            # Shown back with everything the shopper typed (characters that cannot be stored
            # are shown as "�" next to the error that says so).
            return self._render(request, form.display_copy())
        try:
            receive_message(self, form, client_address(request), translation.get_language())
        except TooManyMessages as refused:
            return self._render(request, form, refusal=refused.message, status=refused.status)
        return self._after_sending(request)

    def _after_sending(self, request):
        response = HttpResponseRedirect(f"{self.get_url(request)}?{SENT_PARAMETER}=1")
        response.status_code = 303  # the thank-you is fetched with GET
        return response

    def _render(self, request, form, refusal="", status=200):
        """The page with ``form``, or with the thank-you when ``form`` is None."""
        context = self.get_context(request)
        context.update(form=form, sent=form is None, refusal=refusal, honeypot=HONEYPOT)
        return TemplateResponse(request, self.get_template(request), context, status=status)

    # --- previews: the form and the thank-you, in either language ----------------------

    @property
    def preview_modes(self):
        return [
            ("en", gettext_lazy("English")),
            ("km", gettext_lazy("Khmer")),
            (f"{SENT_PREVIEW}en", gettext_lazy("Thank-you, English")),
            (f"{SENT_PREVIEW}km", gettext_lazy("Thank-you, Khmer")),
        ]

    def serve_preview(self, request, mode_name):
        sent = mode_name.startswith(SENT_PREVIEW)
        language = mode_name.removeprefix(SENT_PREVIEW)
        language = language if language in ("en", "km") else "en"
        with translation.override(language):
            request.LANGUAGE_CODE = language
            # Rendered here, while the preview's language is active.
            return self._render(request, None if sent else ContactForm()).render()
