"""CSV lines one at a time, for ``StreamingHttpResponse`` and for files alike."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence


class _Line:
    """A file-like sink that hands back the one line the csv writer just wrote."""

    def write(self, text: str) -> str:
        return text


def _cell(value: object) -> object:
    # A cell that starts with = + - @ is a formula to a spreadsheet; accounting files are
    # opened in one, so such text is quoted as text. Numbers are ours and stay numbers.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        if not _is_number(value):
            return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])
