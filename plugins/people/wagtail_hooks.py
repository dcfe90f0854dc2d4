"""Admin side of People: the HR import of the org chart (upload, dry run, confirm) and its
export, for HR (the ``people.add_profile`` permission)."""

from __future__ import annotations

import secrets
import tempfile
import time
from functools import wraps
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from plugins.people.importer import (
    FORMATS,
    ImportFileError,
    apply_plan,
    export_file,
    load_dataset,
    plan_import,
)

PERMISSION = "people.add_profile"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SESSION_KEY = "people_import"
#: Uploaded files wait here between the dry run and the confirmation.
UPLOAD_DIR = Path(tempfile.gettempdir()) / "portal-people-import"
UPLOAD_MAX_AGE_SECONDS = 24 * 3600


def can_import(user) -> bool:
    return user.is_active and user.has_perm(PERMISSION)


def hr_only(view):
    """403 for anyone without the permission (Wagtail would turn a PermissionDenied into a
    redirect to the dashboard)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_import(request.user):
            return HttpResponseForbidden(_("Only HR can import or export the org chart."))
        return view(request, *args, **kwargs)

    return wrapper


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("A .csv or .xlsx file from the HR system, 10 MB at most."),
    )
    deactivate_missing = forms.BooleanField(
        label=gettext_lazy("Deactivate people missing from the file"),
        help_text=gettext_lazy("They are deactivated, never deleted: their content stays."),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in FORMATS:
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        content = upload.read()
        try:
            self.dataset = load_dataset(content, upload.name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.content = content
        self.extension = extension
        return upload


def _stored_path(request) -> Path | None:
    stored = request.session.get(SESSION_KEY) or {}
    token, extension = stored.get("token", ""), stored.get("extension", "")
    if not (token.isalnum() and extension in FORMATS):
        return None
    candidate = UPLOAD_DIR / f"{token}.{extension}"
    return candidate if candidate.is_file() else None


def _forget(request) -> None:
    stored = _stored_path(request)
    if stored is not None:
        stored.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _remove_abandoned_uploads() -> None:
    """Files of dry runs never confirmed are removed after a day."""
    limit = time.time() - UPLOAD_MAX_AGE_SECONDS
    for stale in UPLOAD_DIR.iterdir():
        if stale.stat().st_mtime < limit:
            stale.unlink(missing_ok=True)


@hr_only
def import_view(request):
    """Upload a spreadsheet, then show the dry run and the confirmation form."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "header_title": _("Import the org chart"), "header_icon": "group"}
    if request.method == "POST" and form.is_valid():
        _forget(request)
        UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
        _remove_abandoned_uploads()
        token = secrets.token_hex(16)
        (UPLOAD_DIR / f"{token}.{form.extension}").write_bytes(form.content)
        deactivate = form.cleaned_data["deactivate_missing"]
        request.session[SESSION_KEY] = {
            "token": token,
            "extension": form.extension,
            "name": form.cleaned_data["file"].name,
            "deactivate_missing": deactivate,
        }
        plan = plan_import(form.dataset, deactivate_missing=deactivate)
        context.update(plan=plan, counts=plan.counts(), file_name=form.cleaned_data["file"].name)
        return render(request, "people/admin/import_preview.html", context)
    return render(request, "people/admin/import.html", context)


@require_POST
@hr_only
def confirm_view(request):
    """Re-plan the stored file and apply it, unless the plan changed since the dry run."""
    stored_path = _stored_path(request)
    if stored_path is None:
        messages.error(request, _("The uploaded file has expired; please upload it again."))
        return redirect("people_import")
    stored = request.session[SESSION_KEY]
    plan = plan_import(
        load_dataset(stored_path.read_bytes(), stored_path.name),
        deactivate_missing=stored["deactivate_missing"],
    )
    if not plan.is_valid or plan.fingerprint() != request.POST.get("fingerprint"):
        _forget(request)
        messages.error(
            request,
            _(
                "The people directory changed since the dry run; nothing was imported. "
                "Please upload the file again."
            ),
        )
        return redirect("people_import")
    counts = apply_plan(plan)
    _forget(request)
    messages.success(
        request,
        _(
            "Org chart imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
            "%(to_deactivate)s deactivated."
        )
        % counts,
    )
    return redirect("people_import")


@hr_only
def export_view(request, file_format: str):
    """The active people as a CSV or XLSX file, in the import's columns."""
    if file_format not in FORMATS:
        raise Http404
    response = HttpResponse(
        export_file(file_format), content_type=FORMATS[file_format].CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="people.{file_format}"'
    return response


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("people/import/", import_view, name="people_import"),
        path("people/import/confirm/", confirm_view, name="people_import_confirm"),
        path("people/export/<str:file_format>/", export_view, name="people_export"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Import the org chart"),
        reverse("people_import"),
        name="people-import",
        icon_name="group",
        order=360,
    )
