"""python manage.py sla_deadline: single due times and --batch JSON lines (issue #2).

Expected due times are worked out by hand in the comments (Europe/Amsterdam wall time, 2026:
Good Friday 3 Apr, Easter Monday 6 Apr, Koningsdag Mon 27 Apr, Bevrijdingsdag Tue 5 May (optional
category, closed for onITnow only), Ascension Thu 14 May; DST starts Sun 29 Mar, ends Sun 25 Oct).
"""

import io
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from contracts.services.catalogue import catalogue_load

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
KNOWN_CALENDARS = ("24x7", "cbg", "microsoft-nl", "onitnow", "websitenazorg")


def _deadline(*args: str) -> str:
    out = io.StringIO()
    call_command("sla_deadline", *args, stdout=out)
    return out.getvalue()


def _due(calendar: str, start: str, target: str) -> str:
    return _deadline("--calendar", calendar, "--start", start, f"--target={target}")


def _batch(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> list[str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    return _deadline("--batch").splitlines()


# --- single due times ---------------------------------------------------------------------------


def test_issue_example_onitnow_monday_17_00_plus_1h_is_wednesday_09_00():
    # Mon 4 May 17:00: 30 min until 17:30; Tue 5 May (Bevrijdingsdag) closed; Wed 08:30 + 30 min.
    assert _due("onitnow", "2026-05-04T17:00:00+02:00", "1h") == "2026-05-06T09:00:00+02:00\n"


def test_onitnow_is_open_on_good_friday():
    # Thu 2 Apr 17:00: 30 min until 17:30; Good Friday removed from the onITnow list: 08:30 + 30.
    assert _due("onitnow", "2026-04-02T17:00:00+02:00", "1h") == "2026-04-03T09:00:00+02:00\n"


def test_cbg_is_closed_on_good_friday_and_easter_monday():
    # cbg 08:30-17:00, holidays.NL public: Thu 2 Apr 17:00 is closing time (0 min left);
    # Fri 3 Apr Good Friday, Sat 4, Sun 5 (Easter), Mon 6 (Easter Monday) closed;
    # Tue 7 Apr 08:30 + 1 h = 09:30.
    assert _due("cbg", "2026-04-02T17:00:00+02:00", "1h") == "2026-04-07T09:30:00+02:00\n"


def test_24x7_adds_real_time_across_spring_dst():
    # Sun 29 Mar 01:30 CET (00:30 UTC) + 1 h real time = 01:30 UTC = 03:30 CEST.
    output = _due("24x7", "2026-03-29T01:30:00+01:00", "1h")

    due = datetime.fromisoformat(output.strip())
    assert due == datetime(2026, 3, 29, 3, 30, tzinfo=AMS)
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # The due time is written in the start's offset.
    assert output == "2026-03-29T02:30:00+01:00\n"


def test_24x7_adds_real_time_across_autumn_dst():
    # Sun 25 Oct 02:30 CEST (00:30 UTC) + 1 h = 01:30 UTC = the second 02:30, now CET.
    output = _due("24x7", "2026-10-25T02:30:00+02:00", "1h")

    assert datetime.fromisoformat(output.strip()) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert output == "2026-10-25T03:30:00+02:00\n"


def test_business_calendar_across_spring_dst_keeps_business_hours():
    # Fri 27 Mar 17:00 CET: 30 min until 17:30; Mon 30 Mar 08:30 CEST + 30 min = 09:00 CEST.
    output = _due("onitnow", "2026-03-27T17:00:00+01:00", "1h")

    assert datetime.fromisoformat(output.strip()) == datetime(2026, 3, 30, 9, 0, tzinfo=AMS)


def test_microsoft_nl_skips_kings_day():
    # microsoft-nl 09:00-17:30: Fri 24 Apr 16:30 1 h; weekend; Mon 27 Apr Koningsdag closed;
    # Tue 28 Apr 09:00 + 3 h = 12:00.
    assert _due("microsoft-nl", "2026-04-24T16:30:00+02:00", "4h") == (
        "2026-04-28T12:00:00+02:00\n"
    )


def test_microsoft_nl_is_open_on_bevrijdingsdag_outside_a_lustrum_year():
    # Public holidays only: Tue 5 May 2026 is open. Mon 17:00 30 min; Tue 09:00 + 30 min.
    assert _due("microsoft-nl", "2026-05-04T17:00:00+02:00", "1h") == (
        "2026-05-05T09:30:00+02:00\n"
    )


def test_websitenazorg_skips_ascension_day():
    # websitenazorg 09:00-17:00: Wed 13 May 16:00 1 h; Thu 14 May Ascension closed;
    # Fri 15 May 09:00 + 1 h = 10:00.
    assert _due("websitenazorg", "2026-05-13T16:00:00+02:00", "2h") == (
        "2026-05-15T10:00:00+02:00\n"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # Wed 6 May 10:00 in onITnow hours 08:30-17:30.
        ("90m", "2026-05-06T11:30:00+02:00\n"),
        ("4h30m", "2026-05-06T14:30:00+02:00\n"),
        ("45s", "2026-05-06T10:00:45+02:00\n"),
        ("3600", "2026-05-06T11:00:00+02:00\n"),
        # 7h30 to closing, then Thu 7 May 08:30 + 30 min.
        ("8h", "2026-05-07T09:00:00+02:00\n"),
    ],
)
def test_target_formats(target, expected):
    assert _due("onitnow", "2026-05-06T10:00:00+02:00", target) == expected


def test_zero_target_on_a_saturday_is_the_next_opening():
    # Sat 9 May: the next onITnow opening is Mon 11 May 08:30.
    assert _due("onitnow", "2026-05-09T12:00:00+02:00", "0s") == "2026-05-11T08:30:00+02:00\n"


def test_a_utc_start_is_answered_in_the_calendars_own_zone():
    # 15:00 UTC = 17:00 CEST on Mon 4 May; due Wed 6 May 09:00 CEST (07:00 UTC).
    assert _due("onitnow", "2026-05-04T15:00:00Z", "1h") == "2026-05-06T09:00:00+02:00\n"


def test_a_24x7_due_time_keeps_the_starts_offset():
    assert _due("24x7", "2026-05-04T15:00:00Z", "1h") == "2026-05-04T16:00:00+00:00\n"


def test_uses_the_current_release_after_a_reload(tmp_path):
    copy = tmp_path / "onitnow.toml"
    shutil.copyfile(Path(settings.CATALOGUE_DIR) / "onitnow.toml", copy)
    text = copy.read_text(encoding="utf-8")
    assert text.count('"17:30"]]') == 5
    copy.write_text(text.replace('"17:30"]]', '"17:00"]]'), encoding="utf-8")
    catalogue_load(paths=[copy], now=datetime(2026, 5, 1, tzinfo=UTC))

    # Version 2 closes at 17:00: nothing left on Mon 4 May, Tue 5 May closed, Wed 08:30 + 1 h.
    assert _due("onitnow", "2026-05-04T17:00:00+02:00", "1h") == "2026-05-06T09:30:00+02:00\n"


# --- single-mode errors -------------------------------------------------------------------------


def test_unknown_calendar_lists_the_known_ones():
    with pytest.raises(CommandError, match="unknown calendar 'mars'") as caught:
        _due("mars", "2026-05-04T17:00:00+02:00", "1h")

    message = str(caught.value)
    assert all(code in message for code in KNOWN_CALENDARS), message


def test_naive_start_is_refused():
    with pytest.raises(CommandError, match=r"has no UTC offset; give one, e.g. \+02:00"):
        _due("onitnow", "2026-05-04T17:00:00", "1h")


def test_start_that_is_not_iso_8601_is_refused():
    with pytest.raises(CommandError, match="start 'next monday' is not an ISO 8601 date-time"):
        _due("onitnow", "next monday", "1h")


def test_out_of_range_offset_is_refused():
    with pytest.raises(CommandError, match="is not an ISO 8601 date-time"):
        _due("onitnow", "2026-05-04T17:00:00+25:00", "1h")


@pytest.mark.parametrize("target", ["1 hour", "1h30", "-1h", "1.5h", "m30", "1d"])
def test_bad_target_is_refused(target):
    with pytest.raises(CommandError, match="invalid duration"):
        _due("onitnow", "2026-05-04T17:00:00+02:00", target)


def test_bad_target_message_names_the_value_and_the_format():
    with pytest.raises(CommandError) as caught:
        _due("onitnow", "2026-05-04T17:00:00+02:00", "1 hour")

    assert "'1 hour'" in str(caught.value)
    assert "'4h30m'" in str(caught.value)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param((), id="nothing"),
        pytest.param(("--calendar", "onitnow"), id="calendar-only"),
        pytest.param(
            ("--calendar", "onitnow", "--start", "2026-05-04T17:00:00+02:00"), id="no-target"
        ),
        pytest.param(("--start", "2026-05-04T17:00:00+02:00", "--target", "1h"), id="no-calendar"),
        pytest.param(("--calendar", "onitnow", "--target", "1h"), id="no-start"),
        pytest.param(
            ("--calendar", "onitnow", "--start", "2026-05-04T17:00:00+02:00", "--target="),
            id="empty-target",
        ),
    ],
)
def test_missing_arguments_are_refused(args):
    with pytest.raises(CommandError, match="give --calendar, --start and --target"):
        _deadline(*args)


# --- --batch ------------------------------------------------------------------------------------

GOOD = [
    # (input object, due) — worked out as in the single tests above.
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+02:00", "target_seconds": 3600},
        "2026-05-06T09:00:00+02:00",
    ),
    (
        {"calendar": "cbg", "start": "2026-04-02T17:00:00+02:00", "target_seconds": 3600},
        "2026-04-07T09:30:00+02:00",
    ),
    (
        {"calendar": "24x7", "start": "2026-03-29T01:30:00+01:00", "target_seconds": 3600},
        "2026-03-29T02:30:00+01:00",
    ),
    (
        {
            "calendar": "microsoft-nl",
            "start": "2026-04-24T16:30:00+02:00",
            "target_seconds": 14400,
            "id": "ticket-42",
        },
        "2026-04-28T12:00:00+02:00",
    ),
    (
        {"calendar": "24x7", "start": "2026-01-01T00:00:00+00:00", "target_seconds": 90.5},
        "2026-01-01T00:01:30.500000+00:00",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-09T12:00:00+02:00", "target_seconds": 0},
        "2026-05-11T08:30:00+02:00",
    ),
]

BAD = [
    # (input object, error fragment)
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+25:00", "target_seconds": 3600},
        "is not an ISO 8601 date-time",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00", "target_seconds": 3600},
        "has no UTC offset",
    ),
    (
        {"calendar": "mars", "start": "2026-05-04T17:00:00+02:00", "target_seconds": 3600},
        "unknown calendar 'mars'; known calendars: 24x7, cbg, cbg-24x7, microsoft-nl, onitnow",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+02:00", "target_seconds": -60},
        "target_seconds -60 is negative",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+02:00", "target_seconds": "3600"},
        "target_seconds must be a number",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+02:00", "target_seconds": True},
        "target_seconds must be a number",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+02:00"},
        "target_seconds must be a number",
    ),
    (
        {"start": "2026-05-04T17:00:00+02:00", "target_seconds": 3600},
        "calendar must be a calendar code",
    ),
    (
        {"calendar": "onitnow", "start": 1777906800, "target_seconds": 3600},
        "start must be an ISO 8601 string with an offset",
    ),
    # Too large or not finite: only that line fails, with a clear reason.
    (
        {"calendar": "24x7", "start": "2026-05-04T17:00:00+02:00", "target_seconds": 1e30},
        "longer than the ten-year maximum",
    ),
    (
        {"calendar": "24x7", "start": "2026-05-04T17:00:00+02:00", "target_seconds": 1e400},
        "longer than the ten-year maximum",
    ),
    (
        {"calendar": "onitnow", "start": "2026-05-04T17:00:00+02:00", "target_seconds": 10**11},
        "longer than the ten-year maximum",
    ),
]


def test_batch_good_lines_get_due_and_echo_their_fields(monkeypatch):
    lines = [json.dumps(item) for item, _ in GOOD]

    output = [json.loads(line) for line in _batch(monkeypatch, lines)]

    assert output == [{**item, "due": due} for item, due in GOOD]


def test_batch_line_with_a_stale_due_gets_only_the_error(monkeypatch):
    line = {
        "calendar": "mars",
        "start": "2026-05-04T17:00:00+02:00",
        "target_seconds": 60,
        "due": "2020-01-01T00:00:00+00:00",
    }
    (row,) = [json.loads(out) for out in _batch(monkeypatch, [json.dumps(line)])]
    assert "due" not in row
    assert row["error"].startswith("unknown calendar 'mars'")


def test_batch_bad_lines_get_an_error_and_echo_their_fields(monkeypatch):
    lines = [json.dumps(item) for item, _ in BAD]

    output = [json.loads(line) for line in _batch(monkeypatch, lines)]

    assert len(output) == len(BAD)
    assert [{k: v for k, v in row.items() if k != "error"} for row in output] == [
        item for item, _ in BAD
    ]
    assert all(fragment in row["error"] for row, (_, fragment) in zip(output, BAD, strict=True))
    assert all(row["error"] for row in output)
    assert not any("due" in row for row in output)


def test_batch_mixed_lines_continue_after_errors(monkeypatch):
    good_1, good_2, good_3 = (json.dumps(item) for item, _ in GOOD[:3])
    lines = [
        good_1,
        "this is not json",
        json.dumps(BAD[0][0]),
        "",
        good_2,
        '[1, 2, "not an object"]',
        "   ",
        json.dumps(BAD[1][0]),
        json.dumps(BAD[2][0]),
        json.dumps(BAD[3][0]),
        json.dumps(BAD[4][0]),
        good_3,
    ]

    output = [json.loads(line) for line in _batch(monkeypatch, lines)]

    assert len(output) == len([line for line in lines if line.strip()]) == 10
    assert [("due" in row, "error" in row) for row in output] == [
        (True, False),
        (False, True),
        (False, True),
        (True, False),
        (False, True),
        (False, True),
        (False, True),
        (False, True),
        (False, True),
        (True, False),
    ]
    assert [row.get("due") for row in output] == [
        GOOD[0][1],
        None,
        None,
        GOOD[1][1],
        None,
        None,
        None,
        None,
        None,
        GOOD[2][1],
    ]
    # Lines that are not a JSON object cannot be echoed; they carry their 1-based line number.
    assert output[1]["line"] == 2
    assert output[1]["error"].startswith("not JSON:")
    assert output[4] == {"line": 6, "error": "each line must be a JSON object"}
    assert output[2]["start"] == "2026-05-04T17:00:00+25:00"
    assert "negative" in output[7]["error"]


def test_batch_writes_one_json_object_per_line(monkeypatch):
    lines = [json.dumps(item) for item, _ in GOOD + BAD] + ["{not json"]

    raw = _batch(monkeypatch, lines)

    assert len(raw) == len(lines)
    assert all(isinstance(json.loads(line), dict) for line in raw)


def test_batch_with_empty_input_writes_nothing(monkeypatch):
    assert _batch(monkeypatch, ["", "  "]) == []


def test_batch_ignores_single_mode_arguments(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(GOOD[0][0]) + "\n"))

    output = _deadline("--batch", "--calendar", "mars", "--target", "1 hour")

    assert json.loads(output) == {**GOOD[0][0], "due": GOOD[0][1]}
