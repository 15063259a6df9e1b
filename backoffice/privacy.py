"""Customers' data in the admin and the worker: staff look a guest up by e-mail address or
phone number, download what the shop keeps about them and erase it on request; the retention
job removes personal details the privacy settings no longer allow.

This lives in the back office because it is the lowest layer that sees every app holding
personal data: checkout (orders, addresses), the notifications outbox (copies of the messages
the shop sent), the catalog's contact page (messages shoppers sent) and accounts (the privacy
settings and the record of downloads and erasures).

The rules are checkout's (``checkout.privacy``): an order is never deleted, only its personal
fields; an open order keeps them, so an erasure that would touch one is refused with the list
of open orders and staff try again once they are finished. Orders placed from a customer
account are the customer's to download or erase from their account page; staff see them listed
but erase only guest orders.

Outbox rows about an anonymised order keep what the books need (which message, when, whether
it went) and lose their words and the customer's address; one the shopper has not been sent yet
is dropped. The retention job also clears those of orders a customer anonymised by deleting
their account, which the accounts app cannot reach (``clear_messages_of_anonymised_orders``).

Every download and erasure by staff is recorded (``accounts.models.CustomerDataLog``), and each
erased order gets a staff note saying who erased it. Only staff with
``accounts.manage_customer_data`` (superusers have it; no group is given it by default) see
the page.
"""

import json
import logging
import re
import time
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks import task
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from accounts.models import MANAGE_CUSTOMER_DATA, CustomerDataLog, PrivacySettings
from catalog.models import ContactPage
from checkout.models import Order
from checkout.privacy import (
    OrdersStillOpen,
    anonymise_orders,
    anonymised,
    export_orders,
    finished_before,
    open_orders,
)
from kernel import phones
from kernel.errors import Conflict, ShopError
from kernel.input import StorableTextForm
from notifications.contact import KIND as CONTACT_MESSAGE_KIND
from notifications.messages import OWNER_KINDS
from notifications.models import EMAIL, Notification

logger = logging.getLogger(__name__)

# What an outbox row about erased data says instead of its words (stored, in English).
ERASED_MESSAGE = "(Erased with the customer's personal data.)"
# The staff notes erased orders get (stored, in English, like the shop's other notes).
STAFF_ERASE_NOTE = "Personal details erased at the customer's request."
RETENTION_NOTE = "Personal details removed: older than the privacy settings keep them."

# A retention run stops starting new batches after this long; the rest waits for the next run.
RUN_TIME_LIMIT_SECONDS = 120
RETENTION_BATCH_SIZE = 200


# --- whom staff look for ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A guest as staff know them: by e-mail address or by phone number (normalised)."""

    email: str = ""
    phone: str = ""

    @property
    def described(self):
        return self.email or self.phone


def person_from(text):
    """The ``Person`` that staff typed: an e-mail address, a Cambodian phone number in any
    usual form (``012 345 678``, ``+855 12 345 678``), or an international one (``+66…``).
    ``ValidationError`` with a message staff can act on otherwise."""
    text = (text or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(
                _("That is not an e-mail address. Check it, or search by phone number."),
                code="invalid_email",
            ) from None
        return Person(email=text)
    phone = phones.cambodian_or_none(text) or phones.international_or_none(text)
    if phone:
        return Person(phone=phone)
    raise ValidationError(
        _("Enter an e-mail address, or a phone number like 012 345 678 or +855 12 345 678."),
        code="invalid_contact",
    )


def contact_messages():
    """Every message sent from a contact page (Wagtail form submissions of those pages)."""
    return FormSubmission.objects.filter(page__in=Page.objects.type(ContactPage))


@dataclass
class Findings:
    """What the shop keeps about one person."""

    person: Person
    guest_orders: list = field(default_factory=list)
    account_orders: list = field(default_factory=list)
    open_numbers: list = field(default_factory=list)
    contact_messages: list = field(default_factory=list)

    @property
    def order_numbers(self):
        return sorted(order.number for order in self.guest_orders)

    @property
    def nothing(self):
        return not (self.guest_orders or self.account_orders or self.contact_messages)

    @property
    def erasable(self):
        return bool(self.guest_orders or self.contact_messages) and not self.open_numbers


def look_up(person):
    """The orders (not anonymised yet) and contact messages that name ``person``."""
    if person.email:
        orders = Order.objects.filter(email__iexact=person.email)
        sent = contact_messages().filter(form_data__email__iexact=person.email)
    else:
        orders = Order.objects.filter(phone=person.phone)
        sent = contact_messages().filter(form_data__phone=person.phone)
    orders = list(
        orders.exclude(anonymised()).prefetch_related("lines").order_by("-created_at", "-pk")
    )
    guest = [order for order in orders if order.user_id is None]
    still_open = open_orders(Order.objects.filter(pk__in=[order.pk for order in guest]))
    return Findings(
        person=person,
        guest_orders=guest,
        account_orders=[order for order in orders if order.user_id is not None],
        open_numbers=sorted(still_open.values_list("number", flat=True)),
        contact_messages=list(sent.order_by("-submit_time", "-pk")),
    )


# --- the download -----------------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def _customer_rows():
    """The outbox rows written to the shopper (not the owner's copies, not Telegram)."""
    return Q(channel=EMAIL) & ~Q(kind__in=OWNER_KINDS) & ~Q(kind=CONTACT_MESSAGE_KIND)


def guest_data(findings, staff, now=None):
    """What staff hand a guest who asked for their data: their guest orders (with staff notes,
    for staff to review before sending), the e-mails the shop sent about them, and their
    contact messages. Recorded as a download by ``staff``."""
    now = now or timezone.now()
    order_ids = [order.pk for order in findings.guest_orders]
    sent = Notification.objects.filter(
        _customer_rows(), order_id__in=order_ids, state=Notification.State.SENT
    ).select_related("order")
    data = {
        "generated_at": now.isoformat(),
        "looked_up": findings.person.described,
        "orders": export_orders(Order.objects.filter(pk__in=order_ids), staff_notes=True),
        "messages_sent": [
            {
                "order": row.order.number if row.order else None,
                "to": row.recipient,
                "subject": row.subject,
                "text": row.body_text,
                "queued_at": _when(row.created_at),
                "sent_at": _when(row.sent_at),
            }
            for row in sent.order_by("created_at", "pk")
        ],
        "contact_messages": [
            {
                "received_at": _when(message.submit_time),
                "name": message.form_data.get("name", ""),
                "phone": message.form_data.get("phone", ""),
                "email": message.form_data.get("email", ""),
                "message": message.form_data.get("message", ""),
                "language": message.form_data.get("language", ""),
            }
            for message in findings.contact_messages
        ],
    }
    CustomerDataLog.objects.create(
        action=CustomerDataLog.Action.DOWNLOAD,
        source=CustomerDataLog.Source.STAFF,
        staff=staff,
        orders=",".join(findings.order_numbers),
        contact_messages=len(findings.contact_messages),
        created_at=now,
    )
    return data


# --- erasing ----------------------------------------------------------------------------------


def _clear_rows(rows):
    """Clear outbox rows about erased data; how many kept rows lost their words.

    - Not sent yet, to the shopper or copying a contact message: dropped (nobody is written
      to about data they asked to be forgotten).
    - Not sent yet, the owner's message about an order: its words, if a failed attempt
      already rendered them, are dropped, so it is rendered again from the anonymised order.
    - Sent: the words go (and the shopper's address from their own messages); which message
      it was, when, and that it went, stay.
    - Being sent right now: left for the next run, when it is sent.
    """
    pending = rows.filter(state=Notification.State.PENDING)
    pending.filter(_customer_rows() | Q(kind=CONTACT_MESSAGE_KIND)).delete()
    pending.exclude(body_text="").update(subject="", body_text="", body_html="")
    cleared = 0
    for row in rows.filter(state=Notification.State.SENT).exclude(body_text=ERASED_MESSAGE):
        if row.channel == EMAIL and row.kind not in OWNER_KINDS | {CONTACT_MESSAGE_KIND}:
            # One shopper row per event and channel, so the blank address stays unique.
            row.recipient = ""
        row.subject = ""
        row.body_text = ERASED_MESSAGE
        row.body_html = ""
        if row.kind == CONTACT_MESSAGE_KIND:
            row.data = {}
        row.save(update_fields=["recipient", "subject", "body_text", "body_html", "data"])
        cleared += 1
    return cleared


def clear_order_messages(order_ids):
    """Clear the outbox rows about these (anonymised) orders."""
    return _clear_rows(Notification.objects.filter(order_id__in=list(order_ids)))


def delete_contact_messages(submission_ids):
    """Delete these contact messages and clear the owner's e-mails that copied them; how many
    messages were deleted."""
    submission_ids = list(submission_ids)
    _clear_rows(
        Notification.objects.filter(
            kind=CONTACT_MESSAGE_KIND, event_key__in=[f"contact:{pk}" for pk in submission_ids]
        )
    )
    deleted, _per_model = FormSubmission.objects.filter(pk__in=submission_ids).delete()
    return deleted


def erase_guest(person, staff, expected_orders=None, expected_messages=None):
    """Erase what the shop keeps about a guest, all or nothing: anonymise their guest orders,
    clear the messages about them, delete their contact messages, and record it.

    ``expected_orders`` / ``expected_messages``: what staff saw when they confirmed. When the
    shop now finds something else (an order placed meanwhile), nothing is erased and staff
    look again. ``OrdersStillOpen`` while an order is open."""
    with transaction.atomic():
        findings = look_up(person)
        if not (findings.guest_orders or findings.contact_messages):
            raise ShopError(_("There is nothing to erase for %(who)s.") % {"who": person.described})
        changed = (
            expected_orders is not None and sorted(expected_orders) != findings.order_numbers
        ) or (expected_messages is not None and expected_messages != len(findings.contact_messages))
        if changed:
            raise Conflict(
                _("What the shop keeps about %(who)s changed since you looked. Check it again.")
                % {"who": person.described},
                code="changed",
            )
        order_ids = [order.pk for order in findings.guest_orders]
        anonymise_orders(order_ids, by=staff, note=STAFF_ERASE_NOTE)
        clear_order_messages(order_ids)
        deleted = delete_contact_messages([message.pk for message in findings.contact_messages])
        CustomerDataLog.objects.create(
            action=CustomerDataLog.Action.ERASE,
            source=CustomerDataLog.Source.STAFF,
            staff=staff,
            orders=",".join(findings.order_numbers),
            contact_messages=deleted,
        )
    return findings


# --- the retention job ------------------------------------------------------------------------


def clear_messages_of_anonymised_orders(limit=RETENTION_BATCH_SIZE * 5):
    """Clear the outbox rows of orders anonymised without the back office (a customer who
    deleted their account); at most ``limit`` orders a run."""
    sent_with_words = Q(state=Notification.State.SENT) & ~Q(body_text=ERASED_MESSAGE)
    waiting_for_shopper = _customer_rows() & Q(state=Notification.State.PENDING)
    order_ids = set(
        Notification.objects.filter(order__in=Order.objects.filter(anonymised()))
        .filter(sent_with_words | waiting_for_shopper)
        .values_list("order_id", flat=True)[:limit]
    )
    return clear_order_messages(order_ids) if order_ids else 0


def _anonymise_old_orders(retention, now, deadline):
    cutoff = now - retention
    total = 0
    while time.monotonic() < deadline:
        ids = list(finished_before(cutoff, now).values_list("pk", flat=True)[:RETENTION_BATCH_SIZE])
        if not ids:
            break
        try:
            with transaction.atomic():
                numbers = anonymise_orders(ids, note=RETENTION_NOTE, now=now)
                clear_order_messages(ids)
                CustomerDataLog.objects.create(
                    action=CustomerDataLog.Action.ERASE,
                    source=CustomerDataLog.Source.RETENTION,
                    orders=",".join(numbers),
                    created_at=now,
                )
        except OrdersStillOpen as reopened:
            # Late money reopened one between the query and its lock: the next batch leaves
            # it out, since it is open now.
            logger.info("Privacy retention skipped reopened orders %s", reopened.numbers)
            continue
        total += len(numbers)
        if len(ids) < RETENTION_BATCH_SIZE:
            break
    return total


def _delete_old_contact_messages(retention, now, deadline):
    cutoff = now - retention
    total = 0
    while time.monotonic() < deadline:
        ids = list(
            contact_messages()
            .filter(submit_time__lt=cutoff)
            .values_list("pk", flat=True)[:RETENTION_BATCH_SIZE]
        )
        if not ids:
            break
        with transaction.atomic():
            deleted = delete_contact_messages(ids)
            CustomerDataLog.objects.create(
                action=CustomerDataLog.Action.ERASE,
                source=CustomerDataLog.Source.RETENTION,
                contact_messages=deleted,
                created_at=now,
            )
        total += deleted
        if len(ids) < RETENTION_BATCH_SIZE:
            break
    # Owner's e-mails that copied messages editors already deleted by hand.
    _clear_rows(Notification.objects.filter(kind=CONTACT_MESSAGE_KIND, created_at__lt=cutoff))
    return total


def apply_retention(now=None):
    """Apply the privacy settings (of the default site): anonymise finished orders older than
    the orders' period, delete contact messages older than theirs, and clear outbox copies
    of anonymised orders. ``{what: how many}``."""
    now = now or timezone.now()
    deadline = time.monotonic() + RUN_TIME_LIMIT_SECONDS
    privacy = PrivacySettings.for_default_site()
    counts = {"orders": 0, "contact_messages": 0, "outbox_messages": 0}
    if privacy.order_retention:
        counts["orders"] = _anonymise_old_orders(privacy.order_retention, now, deadline)
    if privacy.contact_retention:
        counts["contact_messages"] = _delete_old_contact_messages(
            privacy.contact_retention, now, deadline
        )
    counts["outbox_messages"] = clear_messages_of_anonymised_orders()
    if any(counts.values()):
        logger.info("Privacy retention: %s", counts)
    return counts


@task()
def privacy_retention_task():
    """Remove the personal details the privacy settings no longer keep (the worker runs it
    about once an hour, with housekeeping)."""
    return apply_retention()


# --- the admin page ---------------------------------------------------------------------------


class LookupForm(StorableTextForm, forms.Form):
    who = forms.CharField(
        label=gettext_lazy("E-mail address or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_who(self):
        return person_from(self.cleaned_data["who"])


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I checked that this request comes from this person, and I understand that this "
            "cannot be undone."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm the erasure.")},
    )
    orders = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)
    messages = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def expected_orders(self):
        return [number for number in self.cleaned_data["orders"].split(",") if number]


def _json_download(data, person):
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = re.sub(r"[^A-Za-z0-9]+", "-", person.described).strip("-")[:60] or "customer"
    response["Content-Disposition"] = (
        f'attachment; filename="customer-data-{name}-{timezone.localdate():%Y-%m-%d}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _forbidden(request):
    """A plain 403 (Wagtail would redirect to the dashboard with a message instead, which
    hides from tests and tools that the page exists but is not theirs)."""
    return TemplateResponse(
        request,
        "backoffice/privacy/forbidden.html",
        {"header_title": _("Customer data")},
        status=403,
    )


def customer_data(request):
    """Look a guest up, then download or erase what the shop keeps about them. Everything
    is POST: phone numbers and e-mail addresses stay out of addresses and server logs."""
    if not request.user.has_perm(MANAGE_CUSTOMER_DATA):
        return _forbidden(request)
    lookup = LookupForm(request.POST or None)
    erase = EraseForm()
    findings = None
    if request.method == "POST" and lookup.is_valid():
        person = lookup.cleaned_data["who"]
        action = request.POST.get("action", "search")
        if action == "download":
            return _json_download(guest_data(look_up(person), request.user), person)
        if action == "erase":
            erase = EraseForm(request.POST)
            if erase.is_valid():
                try:
                    erased = erase_guest(
                        person,
                        request.user,
                        expected_orders=erase.expected_orders(),
                        expected_messages=erase.cleaned_data["messages"],
                    )
                except ShopError as refused:
                    messages.error(request, refused.message)
                else:
                    messages.success(request, _erased_message(erased))
                    return redirect(reverse("customer_data:index"))
            elif "confirm" not in erase.errors:  # the hidden list of what staff saw was mangled
                messages.error(
                    request,
                    _("What the shop keeps about %(who)s changed since you looked. Check it again.")
                    % {"who": person.described},
                )
        findings = look_up(person)
    return TemplateResponse(
        request,
        "backoffice/privacy/customer_data.html",
        {
            "lookup": lookup,
            "erase": erase,
            "findings": findings,
            "records": CustomerDataLog.objects.select_related("staff")[:20],
            "header_title": _("Customer data"),
        },
    )


def _erased_message(findings):
    orders = len(findings.guest_orders)
    sent = len(findings.contact_messages)
    return " ".join(
        [
            _("Erased what the shop kept about %(who)s.") % {"who": findings.person.described},
            ngettext(
                "%(count)d order kept without personal details.",
                "%(count)d orders kept without personal details.",
                orders,
            )
            % {"count": orders},
            ngettext(
                "%(count)d contact message deleted.",
                "%(count)d contact messages deleted.",
                sent,
            )
            % {"count": sent},
        ]
    )


class CustomerDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MANAGE_CUSTOMER_DATA)


class CustomerDataViewSet(ViewSet):
    menu_label = gettext_lazy("Customer data")
    menu_name = "customer-data"
    icon = "user"
    name = "customer_data"

    def get_urlpatterns(self):
        return [path("", customer_data, name="index")]

    @property
    def menu_item_class(self):
        return CustomerDataMenuItem
