"""The pinned posts of a feed in one index: SQLite cannot use the plain index on the
``pinned`` boolean for a bare ``WHERE pinned`` and scanned every company post instead
(37 ms with 100,000 posts; 0.4 ms with this index)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feed", "0002_initial")]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("pinned", True)),
                fields=["-pinned_at", "-id"],
                name="feed_post_pinned",
            ),
        ),
    ]
