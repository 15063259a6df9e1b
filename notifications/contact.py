"""The owner's e-mail about a message a shopper sent from a contact page.

Queued by ``receivers.on_contact_message`` in the transaction that stored the message
(``catalog.events.contact_message_received``), one row per message, and rendered by the worker
when it sends it (``messages.render`` hands rows of this kind to ``render`` here), like every
other message. It is about no order: the row keeps a copy of what the shopper wrote, so an
editor who deletes the message in the admin before the worker sends it does not stop the
e-mail. Written in the owner's language (Shop settings), like the shop's other messages to
the owner; it says which language the shopper wrote in, so the answer can be in theirs.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import Page

from notifications.models import EMAIL, Notification

KIND = "owner_contact_message"
TEMPLATE = "notifications/owner_contact_message"


def queue_owner_email(page, submission, recipient):
    """Queue the owner's e-mail about ``submission`` (a message sent from ``page``); nothing
    when the shop has no owner address (the message is still listed in the admin)."""
    if not recipient:
        return None
    data = submission.form_data
    notification, _created = Notification.objects.get_or_create(
        event_key=f"contact:{submission.pk}",
        channel=EMAIL,
        recipient=recipient[:254],
        defaults={
            "kind": KIND,
            "body_text": "",
            "data": {
                "page_id": page.pk,
                "submission_id": submission.pk,
                "name": data.get("name", ""),
                "phone": data.get("phone", ""),
                "email": data.get("email", ""),
                "message": data.get("message", ""),
                "language": data.get("language", ""),
            },
        },
    )
    return notification


def _owner_language(shop):
    codes = [code for code, _name in settings.LANGUAGES]
    return shop.owner_language if shop.owner_language in codes else settings.LANGUAGE_CODE


def _language_name(code):
    names = {"km": _("Khmer"), "en": _("English")}
    return names.get(code, code)


def render(notification, shop):
    """``(subject, text, html)`` of the owner's e-mail, in the owner's language."""
    data = notification.data
    with translation.override(_owner_language(shop)):
        # The page may have been deleted since: the e-mail then names no page.
        page = Page.objects.filter(pk=data.get("page_id")).specific().first()
        page_title, messages_url = "", ""
        if page is not None:
            page_title = getattr(page, "shown_title", page.title)
            messages_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
                "wagtailforms:list_submissions", args=[page.pk]
            )
        context = {
            "shop": shop,
            "sender": data.get("name", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
            "message": data.get("message", ""),
            "written_in": _language_name(data.get("language", "")),
            "page_title": page_title,
            "messages_url": messages_url,
        }
        text = render_to_string(f"{TEMPLATE}.txt", context)
        body_html = render_to_string(f"{TEMPLATE}.html", context)
        subject = "{shop}: {about}".format(
            shop=shop.shown_name,
            about=_("message from %(name)s") % {"name": context["sender"]},
        )
    return subject, text, body_html
