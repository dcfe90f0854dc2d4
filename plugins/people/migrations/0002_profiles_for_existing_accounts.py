from django.db import migrations


def create_profiles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Profile = apps.get_model("people", "Profile")
    existing = set(Profile.objects.values_list("user_id", flat=True))
    for user in User.objects.exclude(pk__in=existing).only("pk"):
        profile = Profile.objects.create(user=user)
        Profile.objects.filter(pk=profile.pk).update(manager_path=f"/{profile.pk}/", depth=0)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
