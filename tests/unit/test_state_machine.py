"""The order status machine as a specification: ``TRANSITIONS`` says which moves exist, and
``set_status`` makes exactly those, with their stock, audit row and event."""

from collections import deque

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from catalog.models import StockRecord
from checkout.events import order_status_changed
from checkout.models import (
    PAID_STATES,
    RELEASES_STOCK,
    STAFF_MOVES,
    TRANSITIONS,
    InvalidTransition,
    Order,
    OrderStatusChange,
    Status,
)
from checkout.staff import RESEND_PAYMENT_REQUEST, RESEND_RECEIPT, available_actions
from checkout.status import change_status, set_status
from kernel.errors import Conflict
from tests.factories import make_category, make_order, make_product

pytestmark = pytest.mark.unit

PAIRS = [(old, new) for old in Status for new in Status]
# An order here has given its stock back (the goods never left the shop, or came back).
STOCK_GIVEN_BACK = {Status.CANCELLED, Status.EXPIRED, Status.RETURNED}
# Moves that hold the goods for the shopper again.
HOLDS_STOCK_AGAIN = {Status.AWAITING_PAYMENT, Status.PAID}
QUANTITY = 2


@pytest.fixture
def product(shop):
    return make_product(make_category(), title="Krama", price="6.50", stock=10)


def stock(product):
    return StockRecord.objects.get(product=product).quantity


def move(order, new_status, by=None, reason="test"):
    """``set_status`` as its callers use it: on the order locked inside a transaction."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        return set_status(locked, new_status, by=by, reason=reason)


def history(order):
    return list(order.status_changes.values_list("from_status", "to_status"))


def reachable(start):
    seen, queue = set(), deque([start])
    while queue:
        for target in TRANSITIONS[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


# --- the table itself (pure) -----------------------------------------------------------------


def test_the_table_names_every_status_and_only_statuses():
    assert set(TRANSITIONS) == set(Status)
    for targets in TRANSITIONS.values():
        assert targets <= set(Status)


def test_no_status_moves_to_itself():
    assert all(status not in TRANSITIONS[status] for status in Status)


def test_every_status_can_be_reached_from_a_new_order():
    # A new order waits for its payment (KHQR) or for staff to confirm it (cash on delivery).
    starts = {Status.AWAITING_PAYMENT, Status.AWAITING_CONFIRMATION}
    assert reachable(Status.AWAITING_PAYMENT) | reachable(
        Status.AWAITING_CONFIRMATION
    ) | starts == set(Status)


@pytest.mark.parametrize("paid", PAID_STATES)
def test_a_paid_order_never_waits_for_payment_or_expires_again(paid):
    assert not reachable(paid) & {Status.AWAITING_PAYMENT, Status.EXPIRED}


def test_paid_moves_only_forward_or_to_cancelled_and_refunded():
    assert TRANSITIONS[Status.PAID] == {
        Status.PROCESSING,
        Status.SHIPPED,
        Status.CANCELLED,
        Status.REFUNDED,
    }


def test_a_refund_is_final():
    assert TRANSITIONS[Status.REFUNDED] == set()
    assert Status.REFUNDED in reachable(Status.PAID)


def test_stock_goes_back_only_from_a_move_the_table_allows_and_before_goods_left():
    for old, new in RELEASES_STOCK:
        assert new in TRANSITIONS[old], (old, new)
        assert new in STOCK_GIVEN_BACK, (old, new)
        # Goods that left the shop come back only as a parcel returned unpaid.
        if old in (Status.SHIPPED, Status.DELIVERED):
            assert (old, new) == (Status.SHIPPED, Status.RETURNED)
    # Every way out of a state that gave the stock back holds the goods again.
    for old in STOCK_GIVEN_BACK:
        assert TRANSITIONS[old] <= HOLDS_STOCK_AGAIN, old
    # Every way into such a state from one holding stock gives it back.
    for old in set(Status) - STOCK_GIVEN_BACK:
        for new in TRANSITIONS[old] & STOCK_GIVEN_BACK:
            assert (old, new) in RELEASES_STOCK, (old, new)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{a.value}-{b.value}" for a, b in PAIRS])
def test_can_become_answers_from_the_table(old, new):
    assert Order(status=old).can_become(new) is (new in TRANSITIONS[old])
    assert Order(status=old.value).can_become(new.value) is (new in TRANSITIONS[old])


@pytest.mark.parametrize("status", Status)
def test_is_paid_exactly_in_the_paid_states_once_money_came_in(status):
    assert Order(status=status, paid_at=timezone.now()).is_paid is (status in PAID_STATES)
    # A cash on delivery order goes through the same states before its cash is in.
    assert Order(status=status, paid_at=None).is_paid is False


def paid_if_it_may_be(status):
    """An order in ``status`` as it stands in the shop: paid in the states that follow a
    payment (a KHQR order), unpaid otherwise."""
    return Order(status=status, paid_at=timezone.now() if status in PAID_STATES else None)


# What staff see on an order's page, written out by hand: the table's allowed subset of
# STAFF_MOVES, in STAFF_MOVES' order. Staff never move an order to "awaiting payment" or
# "expired" (only a new KHQR or the clock do).
STAFF_MOVES_BY_STATUS = {
    Status.AWAITING_PAYMENT: ["cancel", "mark_paid"],
    Status.PAID: ["processing", "shipped", "cancel", "refund"],
    Status.PROCESSING: ["shipped", "cancel", "refund"],
    Status.SHIPPED: ["delivered", "refund"],
    Status.DELIVERED: ["refund"],
    Status.CANCELLED: ["mark_paid"],
    Status.EXPIRED: ["mark_paid"],
    Status.REFUNDED: [],
    Status.AWAITING_CONFIRMATION: ["confirm", "cancel"],
    Status.RETURNED: [],
}
# A cash on delivery order before its cash is in: no refund (nothing was paid); a parcel on
# its way may come back instead.
UNPAID_CASH_MOVES_BY_STATUS = {
    Status.PROCESSING: ["shipped", "cancel"],
    Status.SHIPPED: ["delivered", "returned"],
    Status.DELIVERED: [],
}


@pytest.mark.parametrize("status", Status)
def test_staff_moves_are_the_allowed_subset_of_staff_moves_in_order(status):
    moves = paid_if_it_may_be(status).staff_moves()
    assert [action for _target, action, _label, _needs in moves] == STAFF_MOVES_BY_STATUS[status]
    assert [target for target, *_rest in moves] == [
        target
        for target in STAFF_MOVES
        if target in TRANSITIONS[status]
        and not (target == Status.RETURNED and status in PAID_STATES)
    ]
    for target, _action, _label, needs_reason in moves:
        assert target in TRANSITIONS[status]
        # Taking money back, cancelling and money outside KHQR always say why.
        assert needs_reason is (
            target in (Status.CANCELLED, Status.REFUNDED, Status.PAID, Status.RETURNED)
        )


@pytest.mark.parametrize("status", Status)
def test_available_actions_add_the_messages_that_fit_the_status(status):
    actions = [action for action, _label, _needs in available_actions(paid_if_it_may_be(status))]
    assert actions[: len(STAFF_MOVES_BY_STATUS[status])] == STAFF_MOVES_BY_STATUS[status]
    extra = actions[len(STAFF_MOVES_BY_STATUS[status]) :]
    if status == Status.AWAITING_PAYMENT:
        assert extra == [RESEND_PAYMENT_REQUEST]
    elif status in PAID_STATES:
        assert extra == [RESEND_RECEIPT]
    else:
        assert extra == []


@pytest.mark.parametrize("status", sorted(UNPAID_CASH_MOVES_BY_STATUS))
def test_an_unpaid_cash_order_offers_no_refund(status):
    order = Order(status=status, paid_at=None, payment_method="cod")
    moves = [action for _target, action, _label, _needs in order.staff_moves()]
    assert moves == UNPAID_CASH_MOVES_BY_STATUS[status]


# --- set_status on real orders ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{a.value}-{b.value}" for a, b in PAIRS])
def test_set_status_makes_exactly_the_moves_of_the_table(old, new, product, record):
    order = make_order(old, items=[(product, QUANTITY)])
    assert order.stock_released is (old in STOCK_GIVEN_BACK)
    stock_before = stock(product)
    history_before = history(order)
    events = record(order_status_changed)

    if new not in TRANSITIONS[old]:
        with pytest.raises(InvalidTransition) as refused:
            move(order, new)
        assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
        order.refresh_from_db()
        assert order.status == old
        assert order.stock_released is (old in STOCK_GIVEN_BACK)
        assert history(order) == history_before
        assert events == []
        assert stock(product) == stock_before
        return

    move(order, new)
    order.refresh_from_db()
    assert order.status == new
    # One audit row, one event.
    assert history(order) == [*history_before, (old.value, new.value)]
    assert [(e["order"].pk, e["old_status"], e["new_status"]) for e in events] == [
        (order.pk, old, new)
    ]
    # The stock: back exactly for RELEASES_STOCK, held again when leaving a released state.
    if (old, new) in RELEASES_STOCK:
        assert stock(product) == stock_before + QUANTITY
        assert order.stock_released
    elif old in STOCK_GIVEN_BACK:
        assert new in HOLDS_STOCK_AGAIN
        assert stock(product) == stock_before - QUANTITY
        assert not order.stock_released
    else:
        assert stock(product) == stock_before
        assert not order.stock_released
    if new == Status.PAID:
        assert order.paid_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (Status.EXPIRED, Status.AWAITING_PAYMENT),
        (Status.EXPIRED, Status.PAID),
        (Status.CANCELLED, Status.PAID),
    ],
    ids=["expired-awaiting_payment", "expired-paid", "cancelled-paid"],
)
def test_leaving_a_released_state_fails_when_the_stock_is_gone(old, new, product, shop, record):
    plenty = make_product(make_category(), title="Scarf", price="3.00", stock=10)
    order = make_order(old, items=[(product, QUANTITY), (plenty, 1)], shop=shop)
    make_order(Status.AWAITING_PAYMENT, items=[(product, 9)], shop=shop)  # someone else buys
    assert (stock(product), stock(plenty)) == (1, 10)
    history_before = history(order)
    events = record(order_status_changed)

    with pytest.raises(Conflict) as refused:
        move(order, new)

    assert refused.value.code == "insufficient_stock"
    order.refresh_from_db()
    assert (order.status, order.stock_released) == (old, True)
    assert (stock(product), stock(plenty)) == (1, 10)  # nothing taken, not even what was there
    assert history(order) == history_before
    assert events == []


@pytest.mark.django_db
def test_a_stock_release_happens_once_even_through_a_second_releasing_move(product):
    order = make_order(Status.PAID, items=[(product, QUANTITY)])
    assert stock(product) == 10 - QUANTITY
    move(order, Status.CANCELLED)  # gives it back
    move(order, Status.PAID)  # late money accepted: takes it again
    move(order, Status.CANCELLED)  # gives it back again, once
    order.refresh_from_db()
    assert (order.status, order.stock_released, stock(product)) == ("cancelled", True, 10)


@pytest.mark.django_db
def test_the_audit_row_and_event_name_who_and_why(product, django_user_model, record):
    staff = django_user_model.objects.create_user("staff", "staff@example.com", "pw")
    order = make_order(Status.PAID, items=[(product, 1)])
    events = record(order_status_changed)

    move(order, Status.PROCESSING, by=staff, reason="Packed")
    move(order, Status.SHIPPED, by=AnonymousUser(), reason="x" * 300)

    rows = list(
        OrderStatusChange.objects.filter(order=order)
        .order_by("pk")
        .values_list("to_status", "changed_by", "reason")
    )
    assert rows[-2:] == [("processing", staff.pk, "Packed"), ("shipped", None, "x" * 255)]
    assert [(e["by"], e["reason"]) for e in events] == [(staff, "Packed"), (None, "x" * 300)]


@pytest.mark.django_db
def test_paid_at_is_kept_from_the_first_payment(product):
    order = make_order(Status.PAID, items=[(product, 1)])
    first_paid_at = order.paid_at
    move(order, Status.CANCELLED)
    move(order, Status.PAID)
    order.refresh_from_db()
    assert order.paid_at == first_paid_at


@pytest.mark.django_db
def test_change_status_skips_an_order_no_longer_in_the_expected_status(product, record):
    order = make_order(Status.PAID, items=[(product, 1)])
    events = record(order_status_changed)
    assert change_status(order.pk, Status.CANCELLED, only_from={Status.AWAITING_PAYMENT}) is None
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert events == []
    assert history(order)[-1] == ("awaiting_payment", "paid")


@pytest.mark.django_db
def test_a_refused_move_leaves_the_order_object_as_it_was():
    """When the stock is gone, set_status raises before touching the order: a caller that
    catches the Conflict still holds the order as it is in the database."""
    order = make_order("awaiting_payment")
    change_status(order.pk, "cancelled")  # gives the stock back
    StockRecord.objects.update(quantity=0)  # and it sells out meanwhile
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        with pytest.raises(Conflict):
            set_status(locked, "paid")
    assert (locked.status, locked.stock_released, locked.paid_at) == ("cancelled", True, None)
