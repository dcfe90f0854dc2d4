"""Contributions of Resources to the core (home page panel...)."""
