"""The case history's search: the cases of a tenant that match the filters and that the viewer
may see (their scope), with each case's client alias, category, notes and ticket count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mautrix.types import UserID

from .case import COLUMNS as CASE_COLUMNS
from .case import Case
from .operator_settings import ALL, TAGGED, OperatorSettings


@dataclass
class Filters:
    start: int | None = None  # ms, inclusive
    end: int | None = None  # ms, exclusive
    status: str | None = None
    category: str | None = None  # a path: the category and everything below it
    operator: UserID | None = None
    rating: tuple[int, int] | None = None
    text: str | None = None
    number: int | None = None  # one case


@dataclass
class Row:
    """A case as the history shows it."""

    case: Case
    alias: str
    category: str
    notes: list[str]
    tickets: int


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def scope_sql(settings: OperatorSettings | None, params: list[Any]) -> str:
    """A condition on ``c`` (a consult_case row) for the cases the viewer may see; appends
    its parameters to ``params``."""
    if settings is None or settings.scope == ALL:
        return ""
    if settings.scope == TAGGED:
        start = len(params) + 1
        params.extend(settings.scope_tags)
        marks = ", ".join(f"${n}" for n in range(start, len(params) + 1))
        return f" AND c.client_id IN (SELECT client_id FROM client_tag WHERE tag IN ({marks}))"
    params.append(settings.user_id)
    n = len(params)
    return (
        f" AND (c.nominee=${n} OR c.client_id IN "
        f"(SELECT client_id FROM consult_case WHERE operator_id=${n}))"
    )


async def search_cases(
    tenant_id: int, filters: Filters, settings: OperatorSettings | None
) -> list[Row]:
    """The tenant's cases matching ``filters`` that the viewer (None: an admin) may see,
    oldest first."""
    columns = ", ".join(f"c.{c.strip()}" for c in CASE_COLUMNS.split(","))
    params: list[Any] = [tenant_id]
    where = ["c.tenant_id=$1"]

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    if filters.number is not None:
        where.append(f"c.number = {param(filters.number)}")
    if filters.start is not None:
        where.append(f"c.opened_at >= {param(filters.start)}")
    if filters.end is not None:
        where.append(f"c.opened_at < {param(filters.end)}")
    if filters.status == "handled":
        where.append("c.first_response_at IS NOT NULL")
    elif filters.status == "unhandled":
        where.append("c.first_response_at IS NULL")
    elif filters.status:
        where.append(f"c.status = {param(filters.status)}")
    if filters.category:
        path = param(filters.category)
        where.append(f"(cat.path = {path} OR cat.path LIKE {param(filters.category + ' > %')})")
    if filters.operator:
        where.append(f"c.operator_id = {param(filters.operator)}")
    if filters.rating:
        where.append(f"c.rating BETWEEN {param(filters.rating[0])} AND {param(filters.rating[1])}")
    if filters.text:
        like = param(_like(filters.text))
        where.append(
            "(EXISTS (SELECT 1 FROM event_map e WHERE e.case_id=c.id AND "
            f"LOWER(e.body) LIKE {like} ESCAPE '\\') "
            "OR EXISTS (SELECT 1 FROM case_note n WHERE n.case_id=c.id AND "
            f"LOWER(n.body) LIKE {like} ESCAPE '\\') "
            "OR EXISTS (SELECT 1 FROM ticket k WHERE k.case_id=c.id AND "
            f"(LOWER(k.title) LIKE {like} ESCAPE '\\' OR LOWER(k.body) LIKE {like} ESCAPE '\\')))"
        )
    scope = scope_sql(settings, params)
    matching = (
        "FROM consult_case c JOIN client cl ON cl.id=c.client_id "
        f"LEFT JOIN category cat ON cat.id=c.category_id WHERE {' AND '.join(where)}{scope}"
    )
    rows = await Case.db.fetch(
        f"SELECT {columns}, cl.alias AS client_alias, cat.path AS category_path {matching} "
        "ORDER BY c.number",
        *params,
    )
    notes: dict[int, list[str]] = {}
    for note in await Case.db.fetch(
        f"SELECT case_id, body FROM case_note WHERE case_id IN (SELECT c.id {matching}) "
        "ORDER BY id",
        *params,
    ):
        notes.setdefault(note["case_id"], []).append(note["body"])
    tickets = {
        row["case_id"]: int(row["n"])
        for row in await Case.db.fetch(
            "SELECT case_id, COUNT(*) AS n FROM ticket "
            f"WHERE case_id IN (SELECT c.id {matching}) GROUP BY case_id",
            *params,
        )
    }
    found = []
    for row in rows:
        values = dict(row)
        alias = values.pop("client_alias") or ""
        category = values.pop("category_path") or ""
        case = Case(**values)
        found.append(Row(case, alias, category, notes.get(case.id, []), tickets.get(case.id, 0)))
    return found
