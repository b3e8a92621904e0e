"""Query-budget helpers: a page or list must cost the same number of queries as its rows grow."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action: Callable[[], object]) -> tuple[int, list[str]]:
    """Run `action` and return how many queries it made, with their SQL for a failure message."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_queries_constant(
    action: Callable[[], object], grow: Callable[[], object], expected: int | None = None
) -> int:
    """Assert that `action` makes the same number of queries before and after `grow` adds rows, and,
    when given, exactly `expected`. Returns the count."""
    before, _ = count_queries(action)
    grow()
    after, sql = count_queries(action)
    listing = "\n".join(sql)
    assert before == after, f"queries grew from {before} to {after} with the rows:\n{listing}"
    if expected is not None:
        assert after == expected, f"expected {expected} queries, made {after}:\n{listing}"
    return after
