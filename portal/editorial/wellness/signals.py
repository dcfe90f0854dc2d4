"""Contributions of Wellness to the core (home page panel...)."""
