"""Keep roles in step with the installed apps, and give every new account the employee role."""

from django.apps import apps
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from portal.accounts import roles
from portal.accounts.models import User


@receiver(post_migrate, dispatch_uid="accounts_sync_roles")
def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    # post_migrate is sent once per app with models; every app's permissions exist after
    # the last of them.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        roles.sync_roles()


@receiver(post_save, sender=User, dispatch_uid="accounts_employee_role")
def give_employee_role(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        roles.assign_role(instance, roles.EMPLOYEE)
