def only_portal_api(endpoints):
    """Keep the portal's REST API in the schema: not Wagtail's admin API, nor the pages API
    at /api/v2/, which Wagtail documents itself and which DRF's schema cannot describe."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/") and not path.startswith("/api/v2/")
    ]
