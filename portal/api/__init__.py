"""The REST API under /api/: one router, fed by the core and by every plugin's ``api.py``."""
