"""What ``OPTIONS`` answers on the API: DRF's metadata, safe on every route."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request

logger = logging.getLogger(__name__)


class PortalMetadata(SimpleMetadata):
    """DRF's ``SimpleMetadata``, which describes the fields a PUT or POST accepts.

    DRF checks object permissions for PUT by calling ``get_object()``, which fails on a
    custom action without an object (``/api/notifications/preferences/``: no ``pk`` in the
    URL) and describes the view's default serializer. Here the object is only looked up
    when the URL names one, and a serializer that cannot be built without its request's
    data leaves the method undescribed rather than answering 500."""

    def determine_actions(self, request, view):
        actions = {}
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                if hasattr(view, "check_permissions"):
                    view.check_permissions(view.request)
                if method == "PUT" and lookup in getattr(view, "kwargs", {}):
                    view.get_object()
                serializer = view.get_serializer()
            except (exceptions.APIException, PermissionDenied, Http404):
                continue
            except (TypeError, AssertionError, KeyError, AttributeError):
                # A serializer (or get_object) that needs more than OPTIONS gives it.
                logger.warning("OPTIONS cannot describe %s on %s", method, request.path)
                continue
            finally:
                view.request = request
            actions[method] = self.get_serializer_info(serializer)
        return actions
