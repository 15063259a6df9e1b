"""A customer's own data: the download of everything the shop keeps about their account, and
deleting the account.

What the download holds: the account (e-mail addresses, name, when it was made and last
used, whether two-factor authentication is on, never a password hash or a secret), the saved
addresses, and the orders placed while logged in (``checkout.privacy.export_orders``). The
shop keeps no language per account: each order says which language it was placed in.

Not in it: messages in the shop's outbox, which belong to the notifications app and which this
app may not import (they are sibling apps, docs/architecture.md); orders placed without
logging in, which are not linked to the account and could have been placed by anyone typing
the same address (staff hand those over on request, ``backoffice.privacy``); contact-form
messages, for the same reason.

Deleting an account anonymises its orders, deletes its addresses, cart, e-mail addresses and
authenticators (they go with the user row) and the user itself, all in one transaction, and
records it in ``CustomerDataLog``. It is refused while an order is open (the shop still has to
deliver it or collect its cash): the customer sees which, and can delete the account once they
are finished. Refusing keeps the rule simple and visible; deferring would need a "to be
deleted" state that a forgotten open order could hold forever. Outbox copies of messages about
the anonymised orders are cleared by the worker's next privacy run
(``backoffice.privacy.clear_messages_of_anonymised_orders``).
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerDataLog
from checkout.models import Order
from checkout.privacy import (
    anonymise_orders,
    delete_addresses,
    export_addresses,
    export_orders,
    open_orders,
)
from kernel.errors import ShopError

ADMIN_ACCESS = "wagtailadmin.access_admin"
# The staff note each anonymised order gets (stored, in English, like the shop's other notes).
DELETED_ACCOUNT_NOTE = "Personal details erased: the customer deleted their account."


class AccountNotDeletable(ShopError):
    status = 403
    code = "account_not_deletable"


def is_staff_account(user):
    """Accounts that work in the admin: the owner removes those (their names are on audit
    trails), not the account holder from the storefront."""
    return user.is_staff or user.is_superuser or user.has_perm(ADMIN_ACCESS)


def open_account_orders(user, now=None):
    """The numbers of the customer's orders that are still open."""
    orders = open_orders(Order.objects.filter(user=user), now)
    return list(orders.order_by("created_at", "pk").values_list("number", flat=True))


def _when(value):
    return value.isoformat() if value else None


def customer_data(user, now=None):
    """Everything the download holds, as plain data (``json.dumps`` it)."""
    now = now or timezone.now()
    return {
        "generated_at": now.isoformat(),
        "about": _(
            "Your account, saved addresses and the orders you placed while logged in. "
            "Orders placed without logging in are not linked to your account: ask us for "
            "them."
        ),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined_at": _when(user.date_joined),
            "last_login_at": _when(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "two_factor_authentication": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "addresses": export_addresses(user),
        "orders": export_orders(Order.objects.filter(user=user)),
    }


def delete_account(user, now=None):
    """Erase the customer's personal data and delete their account, all or nothing; the
    numbers of the orders that were anonymised. ``AccountNotDeletable`` for staff accounts,
    ``checkout.privacy.OrdersStillOpen`` while an order is open."""
    if is_staff_account(user):
        raise AccountNotDeletable(
            _(
                "This account works in the shop's admin, so it cannot be deleted here. "
                "Ask the shop owner to remove it."
            )
        )
    now = now or timezone.now()
    with transaction.atomic():
        orders = Order.objects.filter(user=user).order_by("created_at", "pk")
        numbers = list(orders.values_list("number", flat=True))
        anonymise_orders(
            list(orders.values_list("pk", flat=True)), note=DELETED_ACCOUNT_NOTE, now=now
        )
        delete_addresses(user)
        CustomerDataLog.objects.create(
            action=CustomerDataLog.Action.ERASE,
            source=CustomerDataLog.Source.CUSTOMER,
            orders=",".join(numbers),
            created_at=now,
        )
        user.delete()
    return numbers
