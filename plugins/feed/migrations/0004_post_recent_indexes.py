"""The newest posts of a group or of a person as one ordered index range: the home feed
reads each of the person's groups and followed people that way (``(group, -activity_at)``
left the id's tie-break to a sort)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feed", "0003_post_pinned_partial_index")]

    operations = [
        migrations.RemoveIndex(model_name="post", name="feed_post_group_activity"),
        migrations.RemoveIndex(model_name="post", name="feed_post_author_activity"),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["group", "-activity_at", "-id"], name="feed_post_group_recent"
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                fields=["author", "-activity_at", "-id"], name="feed_post_author_recent"
            ),
        ),
    ]
