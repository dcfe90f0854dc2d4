"""Keep roles in step with the installed apps, give every new account the employee role,
count failed logins for the lockout, and forget an erased person's feed token."""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from portal import signals
from portal.accounts import lockout, roles
from portal.accounts.models import FeedToken, User


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


@receiver(user_login_failed, dispatch_uid="accounts_lockout_failure")
def count_failed_login(sender, credentials: dict, request=None, **kwargs) -> None:
    # A refusal because of the lock was logged by the backend and does not lengthen it.
    if lockout.refused_seconds(request):
        return
    identifier = lockout.identifier_from_credentials(credentials)
    if identifier:
        lockout.record_failure(identifier, request)


@receiver(user_logged_in, dispatch_uid="accounts_lockout_success")
def forget_failed_logins(sender, user: User, request=None, **kwargs) -> None:
    lockout.clear(user.get_username())


@receiver(signals.user_erased, dispatch_uid="accounts_forget_feed_token")
def forget_feed_token(sender, user, **kwargs) -> None:
    FeedToken.objects.filter(user=user).delete()
