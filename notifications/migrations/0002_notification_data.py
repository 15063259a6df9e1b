from django.db import migrations, models


class Migration(migrations.Migration):
    """What a message is about beyond its order, so it can be rendered when it is sent."""

    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="data",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
