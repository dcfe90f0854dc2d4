from rest_framework import serializers, viewsets

from portal import visibility
from tests.sample_plugin.models import Note


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "text", "audience"]


class NoteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NoteSerializer

    def get_queryset(self):
        return visibility.filter_visible(self.request.user, Note.objects.order_by("pk"))


def register_api(router):
    router.register("sample-notes", NoteViewSet, basename="sample-note")
