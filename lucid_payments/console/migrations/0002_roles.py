"""The operator roles as groups: KYC reviewer, payout approver, treasury, support.

``roles_ensure`` creates the permissions first (Django does so only after all migrations,
so a fresh database would otherwise have none to grant). The same function runs after
every migrate, so apps added later (payouts) join in.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def create_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from lucid_payments.console.roles import roles_ensure

    roles_ensure(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_rate_window"),
        ("core", "0003_idempotency_record"),
        ("tron", "0006_outgoing_withdraw_amounts"),
        ("events", "0002_events_append_only"),
        ("wallets", "0008_merge_energy_wallet"),
        ("gateway", "0001_webhooks"),
        ("invoices", "0001_invoices"),
        ("usdt", "0001_initial"),
        ("staking", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
