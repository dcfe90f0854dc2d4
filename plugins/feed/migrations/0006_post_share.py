# Shares: a post that links an object someone shared (its kind and id).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('feed', '0005_post_attachment_count'),
    ]

    operations = [
        migrations.AddField(
            model_name='post',
            name='shared_id',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='shared object'),
        ),
        migrations.AddField(
            model_name='post',
            name='shared_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='kind of shared object'),
        ),
        migrations.AlterField(
            model_name='post',
            name='kind',
            field=models.CharField(choices=[('status', 'Status'), ('event', 'Event'), ('poll', 'Poll'), ('share', 'Share')], default='status', max_length=10, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='post',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'share'), ('shared_id__isnull', False)), models.Q(models.Q(('kind', 'share'), _negated=True), ('shared_id__isnull', True), ('shared_type__isnull', True)), _connector='OR'), name='feed_post_share_links_an_object'),
        ),
    ]
