"""/api/people/ and /api/orgchart/ (the plugin contract mounts them under /api/)."""


def register_api(router) -> None:
    from plugins.people import api_orgchart, api_people

    api_people.register(router)
    api_orgchart.register(router)
