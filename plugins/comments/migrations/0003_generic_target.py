"""Comments attach to any declared object: the post foreign key becomes a content type
and an object id. Existing comments on posts keep everything (their replies, reactions and
mentions live on the comment itself and do not move)."""

import django.db.models.deletion
from django.db import migrations, models


def posts_to_targets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Comment = apps.get_model("comments", "Comment")
    if not Comment.objects.exists():
        return
    post_type, _created = ContentType.objects.get_or_create(app_label="feed", model="post")
    Comment.objects.update(content_type=post_type, object_id=models.F("post_id"))


def targets_to_posts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Comment = apps.get_model("comments", "Comment")
    post_type = ContentType.objects.filter(app_label="feed", model="post").first()
    # Comments on anything but a post have nowhere to go back to.
    Comment.objects.exclude(content_type=post_type).delete()
    Comment.objects.update(post_id=models.F("object_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feed", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="content_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="object_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="comment",
            name="post",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="feed.post",
            ),
        ),
        migrations.RunPython(posts_to_targets, targets_to_posts),
        migrations.RemoveIndex(model_name="comment", name="comments_post_created"),
        migrations.RemoveField(model_name="comment", name="post"),
        migrations.AlterField(
            model_name="comment",
            name="content_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="object_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["content_type", "object_id", "created_at"],
                name="comments_target_created",
            ),
        ),
    ]
