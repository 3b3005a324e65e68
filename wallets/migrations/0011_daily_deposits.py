"""The deposits per day and asset, rolled up from the postings booked so far.

From here on ``ledger_credit`` adds each new deposit to its day in the transaction that
books it. A deposit booked by a process still running the previous code while this runs,
or after, is not counted: deploy with the workers stopped, or run ``ledger_verify`` after
the deploy (it names every day that disagrees).
"""

from datetime import UTC

from django.db import migrations, models
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Posting = apps.get_model("wallets", "Posting")
    DailyDeposits = apps.get_model("wallets", "DailyDeposits")
    rows = (
        Posting.objects.filter(
            entry__kind="credit", entry__reference__startswith="chain:", amount__gt=0
        )
        .annotate(day=TruncDate("entry__created_at", tzinfo=UTC))
        .values("day", "account__asset")
        .annotate(amount=Sum("amount"), deposits=Count("id"))
    )
    DailyDeposits.objects.bulk_create(
        DailyDeposits(
            day=row["day"],
            asset=row["account__asset"],
            amount=row["amount"],
            deposits=row["deposits"],
        )
        for row in rows
    )


class Migration(migrations.Migration):
    dependencies = [
        ("wallets", "0010_wallet_account_public_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyDeposits",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                (
                    "asset",
                    models.CharField(
                        choices=[("TRX", "TRX"), ("USDT", "USDT (TRC20)")], max_length=8
                    ),
                ),
                ("amount", models.BigIntegerField(default=0)),
                ("deposits", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "daily deposits",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "asset"), name="daily_deposits_day_asset"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gte", 0), ("deposits__gte", 0)),
                        name="daily_deposits_not_negative",
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
