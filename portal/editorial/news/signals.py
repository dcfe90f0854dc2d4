"""Contributions of News to the core (home page panel...)."""
