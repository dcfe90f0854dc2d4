"""Contributions of Themed weeks to the core (home page panel...)."""
