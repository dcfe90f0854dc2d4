"""Directory and profile pages."""

urlpatterns: list = []
