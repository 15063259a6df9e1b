"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from catalog.demo.images import product_image
from tests.factories import give_totp

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir():
    path = Path(os.environ.get("SCREENSHOT_DIR", "artifacts/screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_image(key, pattern):
    import io

    image = get_image_model()(title=key)
    image.file = ImageFile(io.BytesIO(product_image(key, pattern)), name=f"{key}.png")
    image.save()
    return image


SHOP_STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("checkout", "view_order"),
    ("checkout", "change_order"),
    ("checkout", "view_payment"),
    ("checkout", "change_payment"),
    ("catalog", "view_stockrecord"),
    ("catalog", "change_stockrecord"),
]


@pytest.fixture
def staff_user():
    # Transactional tests start from an emptied database: rebuild the group as the migration does.
    group, _ = Group.objects.get_or_create(name="Shop staff")
    for app_label, codename in SHOP_STAFF_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = User.objects.create_user("sreyleak", "s@example.com", "a-long-password-1")
    user.groups.add(group)
    user.totp_secret = give_totp(user)  # the admin requires two-factor authentication
    # She reads the admin in English (her choice under Account → Preferences); the shop's
    # default for staff is the owner's language, Khmer (tests/backoffice/test_admin_khmer.py).
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user
