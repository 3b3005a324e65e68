"""Newest-first lists (events, invoices, payouts, payout batches, sweeps, webhook
deliveries, ledger transfers), each paged by a cursor: the query parameters they share,
the page a selector returns, and the one way a list view answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, cast

from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from lucid_payments.core.fields import InputCharField, InputDateTimeField, InputIntegerField
from lucid_payments.core.schema import Operations

MAX_PAGE = 100
DEFAULT_PAGE = 20


class NewestFirstPage(serializers.Serializer[Any]):
    limit = InputIntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        default=DEFAULT_PAGE,
        help_text=f"Items per page, {DEFAULT_PAGE} when left out, at most {MAX_PAGE}",
    )
    starting_after = InputCharField(
        required=False,
        max_length=32,
        help_text="An id from the previous page: the page continues with the items older than it",
    )


class CreatedRange(serializers.Serializer[Any]):
    created_gte = InputDateTimeField(required=False, help_text="Created at or after (ISO 8601)")
    created_lt = InputDateTimeField(required=False, help_text="Created before (ISO 8601)")


class Listed(Protocol):
    """What a listed item is found again by: its public id (a row, or a view of one)."""

    @property
    def public_id(self) -> str: ...


ItemT = TypeVar("ItemT")
ModelT = TypeVar("ModelT", bound=Model)
ViewT = TypeVar("ViewT")
Kwargs = ParamSpec("Kwargs")


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    items: list[ItemT]
    has_more: bool

    @property
    def next_starting_after(self) -> str | None:
        # Model fields are descriptors, which mypy does not match against a protocol: a
        # bound on ItemT would refuse every model, hence the cast.
        return cast(Listed, self.items[-1]).public_id if self.has_more else None


@dataclass(frozen=True)
class Window:
    """Which part of a newest-first list a caller asks for: ``limit`` items, those older
    than the one ``starting_after`` names, created within [``created_gte``, ``created_lt``)."""

    limit: int = DEFAULT_PAGE
    starting_after: str | None = None
    created_gte: datetime | None = None
    created_lt: datetime | None = None

    @classmethod
    def split(cls, query: dict[str, Any]) -> tuple[Window, dict[str, Any]]:
        """The window a validated list query asks for, and the rest of it: its filters."""
        names = {field.name for field in fields(cls)}
        window = cls(**{name: value for name, value in query.items() if name in names})
        return window, {name: value for name, value in query.items() if name not in names}

    def created(self, rows: QuerySet[ModelT]) -> QuerySet[ModelT]:
        if self.created_gte is not None:
            rows = rows.filter(created_at__gte=self.created_gte)
        if self.created_lt is not None:
            rows = rows.filter(created_at__lt=self.created_lt)
        return rows

    def page(self, rows: QuerySet[ModelT], cursor: Callable[[str], ModelT]) -> Page[ModelT]:
        """The window of ``rows``, by descending id. ``cursor`` finds the row
        ``starting_after`` names among the caller's own, and refuses any other."""
        rows = self.created(rows)
        if self.starting_after is not None:
            rows = rows.filter(id__lt=cursor(self.starting_after).pk)
        fetched = list(rows.order_by("-id")[: self.limit + 1])
        return Page(fetched[: self.limit], len(fetched) > self.limit)


# A view method that returns the page of a window, given the query's other filters.
Fetch = Callable[Concatenate[ViewT, Request, Window, dict[str, Any], Kwargs], Page[Any]]


@dataclass(frozen=True)
class NewestFirstList:
    """One newest-first list endpoint: its query (``filters``), its page (``output``, the
    items under ``key``), its OpenAPI tags, and how the items are shown: each by ``item``,
    or all at once by ``render`` (to look up what they need in one query); as they are
    when neither is given."""

    filters: type[serializers.Serializer[Any]]
    output: type[serializers.Serializer[Any]]
    key: str
    tags: list[str]
    item: Callable[[Any], Any] | None = None
    render: Callable[[list[Any]], Iterable[Any]] | None = None
    # Besides those of every query: a cursor that is not the caller's is a 404 where it is
    # looked up like any object.
    errors: tuple[int, ...] = (404,)

    def _shown(self, items: list[Any]) -> list[Any]:
        if self.render is not None:
            return list(self.render(items))
        return [self.item(one) for one in items] if self.item is not None else items

    def get(
        self, *, operation_id: str, summary: str
    ) -> Callable[[Fetch[ViewT, Kwargs]], Callable[Concatenate[ViewT, Request, Kwargs], Response]]:
        """Make a view's ``get`` from a method that, given the window and the filters the
        query asks for, returns the page; documented with ``operation_id`` and ``summary``."""

        def decorate(
            fetch: Fetch[ViewT, Kwargs],
        ) -> Callable[Concatenate[ViewT, Request, Kwargs], Response]:
            @Operations(*self.tags).read(
                operation_id, summary, self.output, errors=self.errors, query=self.filters
            )
            def get(
                view: ViewT,
                request: Request,
                query: dict[str, Any],
                *args: Kwargs.args,
                **kwargs: Kwargs.kwargs,
            ) -> Response:
                window, filters = Window.split(query)
                page = fetch(view, request, window, filters, *args, **kwargs)
                body = {
                    self.key: self._shown(page.items),
                    "has_more": page.has_more,
                    "next_starting_after": page.next_starting_after,
                }
                return Response(self.output(body).data)

            return get

        return decorate
