from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConsoleConfig(AppConfig):
    """The admin's front page (panels), operator roles and accounting exports."""

    name = "lucid_payments.console"
    label = "console"
    verbose_name = "Operator console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        from lucid_payments.console import panels
        from lucid_payments.console.exports import register_builtin_exports
        from lucid_payments.console.roles import roles_ensure
        from lucid_payments.console.schedules import SCHEDULES
        from lucid_payments.core.schedules import schedules_register

        # The admin's index shows the dashboard above the app list; no AdminSite subclass,
        # so every app keeps registering with admin.site.
        admin.site.index_template = "admin/console/index.html"
        panels.register_builtin_panels()
        register_builtin_exports()
        # After every migrate (and flush, which empties auth_group): the roles and the
        # schedule come back, permissions of apps added since included. Once per migrate:
        # post_migrate is sent once for every installed app, and each run creates every
        # app's permissions, so without a sender a flush would do that work once per app.
        post_migrate.connect(roles_ensure, sender=self, dispatch_uid="console.roles_ensure")
        schedules_register(self, *SCHEDULES)
