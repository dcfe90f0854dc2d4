"""The interactive org chart page."""

urlpatterns: list = []
