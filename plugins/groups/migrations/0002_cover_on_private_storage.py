"""Covers move to the private storage, served through the visibility policy; existing
covers are re-encoded under safe names on the way (portal.files)."""

from django.db import migrations

import portal.files


def secure_covers(apps, schema_editor):
    portal.files.secure_stored_images(
        apps.get_model("groups", "Group"), "cover", ("JPEG", "PNG", "WEBP", "GIF")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="group",
            name="cover",
            field=portal.files.PrivateImageField(
                blank=True,
                storage=portal.files.private_storage,
                upload_to="groups/covers/%Y/",
                verbose_name="cover image",
            ),
        ),
        migrations.RunPython(secure_covers, migrations.RunPython.noop, elidable=True),
    ]
