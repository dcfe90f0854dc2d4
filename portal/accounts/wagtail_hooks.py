from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from portal.accounts.models import Department


class DepartmentViewSet(ModelViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_to_settings_menu = True
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]
    form_fields = ["name", "code", "parent"]


@hooks.register("register_admin_viewset")
def register_department_viewset():
    return DepartmentViewSet("departments")
