"""Frozen views of rows: a dataclass filled from the attributes of the same names."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

ViewT = TypeVar("ViewT", bound="DataclassInstance")


@cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls) if field.init)


def snapshot(cls: type[ViewT], source: object, **given: Any) -> ViewT:
    """A ``cls`` whose fields are those ``given``, the others read from ``source``'s
    attributes of the same names."""
    copied = {name: getattr(source, name) for name in _field_names(cls) if name not in given}
    return cls(**copied, **given)
