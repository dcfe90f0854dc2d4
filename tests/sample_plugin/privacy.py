from tests.sample_plugin.models import Note


def export_user_data(user):
    return [{"text": note.text} for note in Note.objects.filter(author=user)]


def erase_user_data(user):
    Note.objects.filter(author=user).delete()
