"""Housekeeping: old finished task results, expired sessions and abandoned guest carts are
deleted in small batches, by the worker about once an hour and by ``manage.py housekeeping``;
recent rows, unfinished tasks and customers' carts stay."""

import io
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from checkout.housekeeping import run_housekeeping
from checkout.models import Cart, CartLine
from checkout.orders import place_order
from tests.factories import make_category, make_product
from website.management.commands.shop_worker import enqueue_periodic_tasks

HOUSEKEEPING = "checkout.tasks.housekeeping_task"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def task_result(status, finished_days_ago=None, run_after_days=-60, path="website.jobs.report"):
    now = timezone.now()
    finished = now - timedelta(days=finished_days_ago) if finished_days_ago is not None else None
    result = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=now + timedelta(days=run_after_days),
        started_at=finished,
        finished_at=finished,
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=now - timedelta(days=60))
    return result.pk


def session(expires_in_days):
    key = uuid.uuid4().hex
    Session.objects.create(
        session_key=key,
        session_data="e30:1",
        expire_date=timezone.now() + timedelta(days=expires_in_days),
    )
    return key


def cart(product, days_untouched, user=None, lines=1, line_days=None):
    made = Cart.objects.create(user=user)
    for _ in range(lines):
        CartLine.objects.create(cart=made, product=product, quantity=1)
    then = timezone.now() - timedelta(days=days_untouched)
    Cart.objects.filter(pk=made.pk).update(updated_at=then, created_at=then)
    line_then = timezone.now() - timedelta(
        days=line_days if line_days is not None else days_untouched
    )
    CartLine.objects.filter(cart=made).update(added_at=line_then)
    return made.pk


@pytest.fixture
def product(shop):
    return make_product(make_category(), title="Bowl", price="5.00", stock=50)


@pytest.fixture
def rows(settings, shop, details, product):
    settings.SHOP_TASK_RESULT_RETENTION_DAYS = 7
    settings.SHOP_CART_RETENTION_DAYS = 30
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    customer = User.objects.create_user("sokha", "sokha@example.com", "pw-123456")
    # An order just placed from a guest cart that is otherwise long untouched: a repeated
    # checkout of that cart must still find its order (the replay window).
    replay = cart(product, 0)
    place_order(Cart.objects.get(pk=replay), details, shop)
    Cart.objects.filter(pk=replay).update(updated_at=timezone.now() - timedelta(days=90))
    return {
        "old": [
            task_result("SUCCESSFUL", 8),
            task_result("FAILED", 30),
            task_result("SUCCESSFUL", 100),
        ],
        "kept": [
            task_result("SUCCESSFUL", 6),
            task_result("FAILED", 1),
            task_result("READY", run_after_days=30),  # to run next month
            task_result("RUNNING"),
        ],
        "expired_sessions": [session(-1), session(-30)],
        "live_sessions": [session(1), session(13)],
        "abandoned_carts": [cart(product, 31), cart(product, 200, lines=0)],
        "kept_carts": [
            cart(product, 29),  # recent enough
            cart(product, 31, user=customer),  # a customer's: belongs to the account
            cart(product, 60, line_days=2),  # a line added two days ago
            replay,
        ],
    }


def assert_housekept(rows):
    assert not DBTaskResult.objects.filter(pk__in=rows["old"]).exists()
    assert DBTaskResult.objects.filter(pk__in=rows["kept"]).count() == len(rows["kept"])
    assert not Session.objects.filter(pk__in=rows["expired_sessions"]).exists()
    assert Session.objects.filter(pk__in=rows["live_sessions"]).count() == 2
    assert not Cart.objects.filter(pk__in=rows["abandoned_carts"]).exists()
    assert not CartLine.objects.filter(cart_id__in=rows["abandoned_carts"]).exists()
    assert Cart.objects.filter(pk__in=rows["kept_carts"]).count() == len(rows["kept_carts"])


@pytest.mark.django_db
def test_housekeeping_deletes_what_outlived_its_retention_and_keeps_the_rest(rows):
    counts = run_housekeeping()
    assert counts == {"task_results": 3, "sessions": 2, "guest_carts": 2}
    assert_housekept(rows)
    assert run_housekeeping() == {"task_results": 0, "sessions": 0, "guest_carts": 0}


@pytest.mark.django_db
def test_housekeeping_deletes_in_small_batches(rows):
    with CaptureQueriesContext(connection) as queries:
        counts = run_housekeeping(batch_size=2)
    assert counts == {"task_results": 3, "sessions": 2, "guest_carts": 2}

    def deletes_from(model):
        start = f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(start)]

    task_deletes = deletes_from(DBTaskResult)
    cart_deletes = deletes_from(Cart)
    assert len(task_deletes) == 2  # 2 + 1 rows
    assert len(cart_deletes) == 1  # 2 carts: one batch, then nothing left
    limits = [q["sql"] for q in queries.captured_queries if "LIMIT 2" in q["sql"]]
    assert len(limits) >= 5  # every batch read at most two keys
    assert_housekept(rows)


@pytest.mark.django_db
def test_cart_retention_is_never_shorter_than_the_session_lifetime(settings, product):
    settings.SHOP_CART_RETENTION_DAYS = 1
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    alive = cart(product, 10)  # its session may still be alive
    gone = cart(product, 15)
    assert run_housekeeping()["guest_carts"] == 1
    assert Cart.objects.filter(pk=alive).exists() and not Cart.objects.filter(pk=gone).exists()


@pytest.mark.django_db
def test_the_command_counts_with_dry_run_and_deletes_without(rows):
    out = io.StringIO()
    call_command("housekeeping", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Would delete 3 finished task results" in text
    assert "Would delete 2 expired sessions" in text
    assert "Would delete 2 abandoned guest carts" in text
    assert DBTaskResult.objects.filter(pk__in=rows["old"]).count() == 3  # nothing deleted

    out = io.StringIO()
    call_command("housekeeping", "--batch-size", "1", stdout=out)
    assert "Deleted 3 finished task results" in out.getvalue()
    assert_housekept(rows)


@pytest.mark.django_db(transaction=True)
def test_the_worker_schedules_housekeeping_about_once_an_hour_across_workers(
    settings, rows, bakong
):
    settings.TASKS = DB_TASKS
    settings.SHOP_HOUSEKEEPING_INTERVAL_SECONDS = 3600

    enqueue_periodic_tasks()  # one worker's scheduler...
    enqueue_periodic_tasks()  # ...and another's, at the same time
    queued = DBTaskResult.objects.filter(task_path=HOUSEKEEPING, status="READY")
    assert queued.count() == 1

    call_command("shop_worker", batch=True, no_scheduler=True, startup_delay=False, verbosity=0)
    ran = DBTaskResult.objects.get(task_path=HOUSEKEEPING)
    assert ran.status == "SUCCESSFUL"
    assert ran.return_value == {"task_results": 3, "sessions": 2, "guest_carts": 2}
    assert_housekept(rows)

    # The next rounds of the scheduler (every few seconds) do not queue it again this hour,
    # while the other periodic jobs are queued every round.
    enqueue_periodic_tasks()
    enqueue_periodic_tasks()
    assert DBTaskResult.objects.filter(task_path=HOUSEKEEPING).count() == 1
    assert DBTaskResult.objects.filter(
        task_path="checkout.tasks.sweep_payments_task", status="READY"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_housekeeping_is_queued_again_once_its_interval_has_passed(settings, shop):
    import time

    settings.TASKS = DB_TASKS
    settings.SHOP_HOUSEKEEPING_INTERVAL_SECONDS = 1
    enqueue_periodic_tasks()
    call_command("shop_worker", batch=True, no_scheduler=True, startup_delay=False, verbosity=0)
    enqueue_periodic_tasks()
    assert DBTaskResult.objects.filter(task_path=HOUSEKEEPING).count() == 1
    time.sleep(1.2)
    enqueue_periodic_tasks()
    assert DBTaskResult.objects.filter(task_path=HOUSEKEEPING).count() == 2
