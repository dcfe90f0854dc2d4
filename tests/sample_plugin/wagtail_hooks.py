from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def sample_menu_item():
    return MenuItem("Sample plugin", "/sample_plugin/", name="sample-plugin", order=10000)
