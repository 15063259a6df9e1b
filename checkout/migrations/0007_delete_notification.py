"""The outbox (Notification) now belongs to the notifications app; its table keeps its name.
This removes it from checkout's state and hands its content type over."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    old = ContentType.objects.filter(app_label="checkout", model="notification").first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label="notifications", model="notification").first()
    if new is not None:
        Permission.objects.filter(content_type=new).delete()
        new.delete()
    old.app_label = "notifications"
    old.save(update_fields=["app_label"])


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    if not ContentType.objects.filter(app_label="checkout", model="notification").exists():
        ContentType.objects.filter(app_label="notifications", model="notification").update(
            app_label="checkout"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0006_address"),
        ("notifications", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
