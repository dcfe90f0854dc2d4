"""Contributions of E-learning to the core (home page panel...)."""
