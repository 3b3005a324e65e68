"""The export form, shared by the admin page (and its checks by the command)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms

from lucid_payments.accounts.models import Client
from lucid_payments.console.exports import ExportRange, exports_all

# A range beyond this is refused: a streamed export of it works, but nobody means it.
MAX_DAYS = 3660


def export_days_refused(start: date, end: date) -> str | None:
    """Why the days ``start`` to ``end`` cannot be exported, or None."""
    if end < start:
        return "The last day is before the first."
    if (end - start).days > MAX_DAYS:
        return f"At most {MAX_DAYS} days per export."
    if end >= date.max:  # the range ends the day after: there is none
        return "The last day must be before 9999-12-31."
    return None


def export_range(start: date, end: date, client_id: int | None) -> ExportRange:
    """Whole UTC days from ``start`` to ``end``, both included."""
    return ExportRange(
        start=datetime.combine(start, time.min, tzinfo=UTC),
        end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
        client_id=client_id,
    )


class ExportForm(forms.Form):
    export = forms.ChoiceField(choices=())
    start = forms.DateField(help_text="first day, UTC (YYYY-MM-DD)")
    end = forms.DateField(help_text="last day, UTC, included")
    client = forms.ModelChoiceField(
        queryset=Client.objects.order_by("name"), required=False, empty_label="all clients"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["export"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(e.name, e.title) for e in exports_all()]
        for name in ("start", "end"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and (refused := export_days_refused(start, end)):
            raise forms.ValidationError(refused)
        return cleaned

    def export_range(self) -> ExportRange:
        client = self.cleaned_data.get("client")
        return export_range(
            self.cleaned_data["start"], self.cleaned_data["end"], client.pk if client else None
        )
