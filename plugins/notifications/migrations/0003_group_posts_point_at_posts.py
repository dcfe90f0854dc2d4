"""A new post in a group is about the post: notifications stored before pointed at the
group, so a reader who lost the post kept them (the post's id is in their data)."""

from django.db import migrations


def point_at_posts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Notification = apps.get_model("notifications", "Notification")
    stale = Notification.objects.filter(
        kind="group_post", target_type__app_label="groups", target_type__model="group"
    )
    if not stale.exists():
        return
    post_type, _created = ContentType.objects.get_or_create(app_label="feed", model="post")
    unknown = []
    for notification in stale.iterator():
        post_id = (notification.data or {}).get("post")
        if isinstance(post_id, int) and not isinstance(post_id, bool) and post_id > 0:
            notification.data = {**notification.data, "group": notification.target_id}
            notification.target_type = post_type
            notification.target_id = post_id
            notification.save(update_fields=["target_type", "target_id", "data"])
        else:
            unknown.append(notification.pk)
    # Without its post, nobody can tell who may read it: gone, like an orphan.
    Notification.objects.filter(pk__in=unknown).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_target_title"),
    ]

    operations = [migrations.RunPython(point_at_posts, migrations.RunPython.noop)]
