"""The "Shop staff" group: runs orders, payments, stock and delivery methods in the admin,
but cannot edit pages or site settings. (Wagtail's own "Editors" group edits pages and sees
no orders or customer data.)"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SHOP_STAFF = "Shop staff"
PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("checkout", "view_order"),
    ("checkout", "change_order"),
    ("checkout", "view_payment"),
    ("checkout", "change_payment"),
    ("checkout", "add_deliverymethod"),
    ("checkout", "change_deliverymethod"),
    ("checkout", "delete_deliverymethod"),
    ("checkout", "view_deliverymethod"),
    ("catalog", "view_stockrecord"),
    ("catalog", "change_stockrecord"),
]


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group, _ = Group.objects.get_or_create(name=SHOP_STAFF)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=SHOP_STAFF).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0004_ordernote"),
        ("catalog", "0002_stockadjustment"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
