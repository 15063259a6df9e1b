"""The message-delivery task moved from ``checkout.tasks`` to ``notifications.tasks``. Runs of
it already queued under the old path (the worker wakes them after every event) would fail to
import: point them at the new one."""

from django.db import migrations

OLD = "checkout.tasks.deliver_notifications_task"
NEW = "notifications.tasks.deliver_notifications_task"


def follow(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=OLD, status="READY").update(task_path=NEW)


def back(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    DBTaskResult.objects.filter(task_path=NEW, status="READY").update(task_path=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification_data"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(follow, back)]
