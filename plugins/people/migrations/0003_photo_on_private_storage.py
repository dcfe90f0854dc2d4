"""Photos move to the private storage, served to those who may see the person; existing
photos are re-encoded under safe names on the way (portal.files)."""

from django.db import migrations

import portal.files


def secure_photos(apps, schema_editor):
    portal.files.secure_stored_images(
        apps.get_model("people", "Profile"), "photo", ("JPEG", "PNG", "WEBP")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_profiles_for_existing_accounts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="photo",
            field=portal.files.PrivateImageField(
                blank=True,
                storage=portal.files.private_storage,
                upload_to="people/photos/",
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(secure_photos, migrations.RunPython.noop, elidable=True),
    ]
