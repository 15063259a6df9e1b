"""ShopSettings now belongs to the kernel app and HomePage to the catalog app. Their tables
keep their names; this removes them from the website app's state and moves their content
types, so pages, revisions and permissions that point at those content types stay valid."""

from django.db import migrations

MOVED = [("shopsettings", "kernel"), ("homepage", "catalog")]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    Revision = apps.get_model("wagtailcore.Revision")
    for model, app_label in MOVED:
        old = ContentType.objects.filter(app_label="website", model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=app_label, model=model).first()
        if new is not None:
            # Made early (another migration's create_permissions saw the model in both apps):
            # the old one is what pages, revisions and groups point at, so it is kept.
            Page.objects.filter(content_type=new).update(content_type=old)
            Revision.objects.filter(content_type=new).update(content_type=old)
            Revision.objects.filter(base_content_type=new).update(base_content_type=old)
            Permission.objects.filter(content_type=new).delete()
            new.delete()
        old.app_label = app_label
        old.save(update_fields=["app_label"])


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    for model, app_label in MOVED:
        if not ContentType.objects.filter(app_label="website", model=model).exists():
            ContentType.objects.filter(app_label=app_label, model=model).update(app_label="website")


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0003_shop_limits"),
        ("kernel", "0001_initial"),
        ("catalog", "0003_homepage"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HomePage"),
                migrations.DeleteModel(name="ShopSettings"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
