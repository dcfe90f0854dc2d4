from portal.metrics import Metric
from tests.sample_plugin.models import Note


def collect_metrics():
    return [Metric("sample.notes", "Notes", Note.objects.count())]
