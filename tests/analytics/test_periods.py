import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from infracast.analytics.periods import (
    Period,
    check_grain,
    parse_instant,
    parse_period,
    parse_range,
    period_of,
    previous,
)
from infracast.errors import QueryError


def test_instant_accepts_month_date_and_timestamp_strings() -> None:
    assert parse_instant("2026-03") == datetime(2026, 3, 1)
    assert parse_instant("2026-03-15") == datetime(2026, 3, 15)
    assert parse_instant("2026-03-15T06:30:00") == datetime(2026, 3, 15, 6, 30)
    assert parse_instant(date(2026, 3, 15)) == datetime(2026, 3, 15)
    assert parse_instant(None) is None


def test_instant_with_an_offset_is_converted_to_utc() -> None:
    # 02:00 at +02:00 is 00:00 UTC; "Z" is UTC.
    assert parse_instant("2026-03-15T02:00:00+02:00") == datetime(2026, 3, 15)
    assert parse_instant("2026-03-15T00:00:00Z") == datetime(2026, 3, 15)
    eastern = timezone(timedelta(hours=-5))
    assert parse_instant(datetime(2026, 3, 14, 19, tzinfo=eastern)) == datetime(2026, 3, 15)
    assert parse_instant(datetime(2026, 3, 15, tzinfo=UTC)) == datetime(2026, 3, 15)


def test_instant_that_is_not_a_date_says_how_to_write_one() -> None:
    with pytest.raises(QueryError, match='start "last month" is not a date') as err:
        parse_instant("last month", name="start")
    assert err.value.hint is not None and "YYYY-MM-DD" in err.value.hint


def test_range_whose_start_is_not_before_its_end_is_refused() -> None:
    with pytest.raises(QueryError, match="the period is empty"):
        parse_range("2026-02-01", "2026-02-01")
    assert parse_range("2026-01", "2026-02") == (datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert parse_range(None, "2026-02") == (None, datetime(2026, 2, 1))


def test_period_of_each_grain_contains_the_instant() -> None:
    noon = datetime(2026, 1, 10, 12)  # a Saturday
    assert period_of(noon, "day") == Period(datetime(2026, 1, 10), datetime(2026, 1, 11))
    # ISO weeks start on Monday: Monday 5 January to Monday 12 January.
    assert period_of(noon, "week") == Period(datetime(2026, 1, 5), datetime(2026, 1, 12))
    assert period_of(noon, "month") == Period(datetime(2026, 1, 1), datetime(2026, 2, 1))


def test_previous_period_crosses_the_year_and_month_lengths() -> None:
    january = Period(datetime(2026, 1, 1), datetime(2026, 2, 1))
    assert previous(january, "month") == Period(datetime(2025, 12, 1), datetime(2026, 1, 1))
    march = period_of(datetime(2026, 3, 31), "month")
    assert previous(march, "month") == Period(datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert previous(march, "day") == Period(datetime(2026, 2, 28), datetime(2026, 3, 1))


def test_period_can_be_named_by_month_date_or_iso_week() -> None:
    assert parse_period("2026-02", "month") == Period(datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert parse_period("2026-02-18", "week") == Period(
        datetime(2026, 2, 16), datetime(2026, 2, 23)
    )
    # ISO week 7 of 2026 starts on Monday 9 February.
    assert parse_period("2026-W07", "week") == Period(datetime(2026, 2, 9), datetime(2026, 2, 16))
    with pytest.raises(QueryError, match="not an ISO week"):
        parse_period("2026-W99", "week")


def test_unknown_grain_suggests_the_closest() -> None:
    with pytest.raises(QueryError, match=re.escape('unknown grain "mnth". Did you mean "month"')):
        check_grain("mnth")
    assert check_grain("week") == "week"


def test_an_empty_range_names_start_and_end_neutrally() -> None:
    with pytest.raises(QueryError) as err:
        parse_range("2026-06-01", "2026-05-01")
    text = f"{err.value} {err.value.hint}"
    assert "start 2026-06-01T00:00:00 is not before end 2026-05-01T00:00:00" in text
    assert "--" not in text  # no flag of any command: the library does not know them


def test_an_empty_range_names_the_callers_flags() -> None:
    with pytest.raises(QueryError) as err:
        parse_range("2026-06-01", "2026-05-01", names=("--from", "--to"))
    assert str(err.value).startswith("the period is empty: --from 2026-06-01T00:00:00 is not")
    assert err.value.hint and "--from 2026-01 --to 2026-02 is January" in err.value.hint
    assert "--start" not in f"{err.value} {err.value.hint}"


def test_a_bad_date_names_the_callers_flag() -> None:
    with pytest.raises(QueryError, match='--to "June" is not a date'):
        parse_range("2026-06-01", "June", names=("--from", "--to"))
