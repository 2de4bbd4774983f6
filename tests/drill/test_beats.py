"""The drill's account of the beat lock (ops.drill.beats): when each beat took celery-redbeat's
lock, read from its log in either format, and the sweep lag after the beat kill."""

from datetime import UTC, datetime
from pathlib import Path

from ops.drill.beats import acquired, beat_figures
from ops.drill.verify import Window

BEGIN = datetime(2026, 12, 6, 11, 0, 0, tzinfo=UTC).timestamp()


def test_the_lock_takings_are_read_from_json_and_from_celery_logs(tmp_path: Path) -> None:
    local = (
        datetime.fromtimestamp(BEGIN + 42.5, tz=UTC)
        .astimezone()
        .strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
    )
    (tmp_path / "beat0.log").write_text(
        '{"time": "2026-12-06T11:00:01.000+00:00", "message": "beat: Acquired lock"}\n'
        '{"time": "2026-12-06T11:00:05.000+00:00", "message": "Scheduler: Sending due task"}\n'
        f"[{local}: INFO/MainProcess] beat: Acquired lock\n"
    )

    assert acquired(tmp_path / "beat0.log", BEGIN) == [1.0, 42.5]


def test_the_sweep_lag_after_a_beat_kill_is_the_largest_in_the_next_minute(
    tmp_path: Path,
) -> None:
    (tmp_path / "beat1.log").write_text("")
    rows = [(10.0, 3.0, 0, 0.0), (40.0, 18.0, 0, 0.0), (50.0, 2.0, 0, 0.0), (95.0, 30.0, 0, 0.0)]
    kill = Window("beat0", BEGIN + 30.0, BEGIN + 40.0)

    figures = beat_figures(tmp_path, [kill, Window("web1", BEGIN, BEGIN)], rows, BEGIN)

    assert figures == {
        "lock_acquired_at": {"beat1": []},
        "max_sweep_lag_after_kill": {"beat0": 18.0},
        "max_sweep_lag": 30.0,
    }
