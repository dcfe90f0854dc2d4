"""Demo content of Resources, loaded once by `manage.py load_demo`."""


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
