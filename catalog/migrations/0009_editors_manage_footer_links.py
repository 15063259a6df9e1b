"""Wagtail's "Editors" group may change the footer links (Settings → Footer links): they are
the people who write the pages those links point at. Shop settings stay with administrators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PERMISSION = "change_footerlinks"


def let_editors_change_footer_links(apps, schema_editor):
    # Permissions are normally created after all migrations ran; this one is needed now.
    app_config = apps.get_app_config("catalog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    editors = apps.get_model("auth.Group").objects.filter(name=EDITORS).first()
    if editors is None:  # a shop that deleted or renamed the group: nothing to do
        return
    Permission = apps.get_model("auth.Permission")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="catalog", codename=PERMISSION)
    )


def take_it_back(apps, schema_editor):
    editors = apps.get_model("auth.Group").objects.filter(name=EDITORS).first()
    if editors is not None:
        Permission = apps.get_model("auth.Permission")
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="catalog", codename=PERMISSION)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_contact_page_and_footer_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(let_editors_change_footer_links, take_it_back)]
