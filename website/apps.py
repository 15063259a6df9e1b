from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """The project: settings, URLs and the admin menu. Its migrations are the history of
    models that now live in ``kernel`` (ShopSettings) and ``catalog`` (HomePage); they keep
    their tables (``website_*``)."""

    name = "website"
    verbose_name = "Website"
    default_auto_field = "django.db.models.BigAutoField"
