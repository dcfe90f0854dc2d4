"""Initiative photos move to the private storage (a pending initiative's photo was on
public media under an unguessable name); existing photos are re-encoded on the way."""

from django.db import migrations

import portal.editorial.weeks.models
import portal.files


def secure_photos(apps, schema_editor):
    portal.files.secure_stored_images(
        apps.get_model("weeks", "Initiative"), "photo", ("JPEG", "PNG", "WEBP")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("weeks", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="initiative",
            name="photo",
            field=portal.files.PrivateImageField(
                blank=True,
                max_length=200,
                storage=portal.files.private_storage,
                upload_to=portal.editorial.weeks.models.initiative_photo_path,
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(secure_photos, migrations.RunPython.noop, elidable=True),
    ]
