from search.registry import register
from tests.sample_plugin.models import Note

register("sample.note", Note, lambda note: {"title": note.text, "body": note.text}, "Notes")
