"""The drill's verdicts (ops.drill.verify): what counts as lost, doubled or refused."""

from ops.drill.verify import (
    ACCEPTED,
    FAILED,
    REFUSED,
    Attempt,
    Operation,
    Window,
    attempt_class,
    delivered_once,
    exactly_once,
    never_doubled,
    per_day,
    percentile,
)

WEB_KILL = Window("web1", 100.0, 110.0)


def test_an_accepted_marker_found_once_passes_and_missing_or_twice_fails() -> None:
    check = exactly_once(["a", "b", "c", "a"], {"a": 1, "c": 2, "x": 5})

    assert (check.checked, check.lost, check.doubled, check.ok) == (3, ["b"], ["c"], False)


def test_all_accepted_markers_found_once_is_ok() -> None:
    assert exactly_once(["a", "b"], {"a": 1, "b": 1}).ok


def test_a_refused_request_may_leave_one_row_never_two() -> None:
    assert never_doubled({"a": 1, "b": 2, "c": 0}) == ["b"]


def test_a_connection_error_or_502_inside_a_kill_window_is_refused() -> None:
    assert attempt_class(Attempt(105, 106, None, False), [WEB_KILL]) == REFUSED
    assert attempt_class(Attempt(95, 101, 502, False), [WEB_KILL]) == REFUSED


def test_the_same_refusal_outside_every_window_is_a_failure() -> None:
    assert attempt_class(Attempt(111, 112, 502, False), [WEB_KILL]) == FAILED


def test_a_400_inside_a_window_is_still_a_failure() -> None:
    assert attempt_class(Attempt(105, 106, 400, False), [WEB_KILL]) == FAILED


def test_smtp_451_is_a_refusal_only_over_smtp() -> None:
    assert attempt_class(Attempt(105, 106, 451, False, smtp=True), [WEB_KILL]) == REFUSED
    assert attempt_class(Attempt(105, 106, 451, False), [WEB_KILL]) == FAILED


def test_an_operation_retried_after_a_refusal_is_accepted_with_the_last_latency() -> None:
    op = Operation(
        "api_create", "m", [Attempt(105, 106, 502, False), Attempt(107, 107.25, 201, True)]
    )

    assert op.outcome([WEB_KILL]) == ACCEPTED
    assert op.latency_ms() == 250.0


def test_an_operation_refused_every_time_is_refused_and_without_attempts_failed() -> None:
    assert Operation("k", "m", [Attempt(105, 106, None, False)]).outcome([WEB_KILL]) == REFUSED
    assert Operation("k", "m", []).outcome([WEB_KILL]) == FAILED


def test_a_duplicate_mail_whose_first_send_a_kill_cut_is_the_allowed_d12_duplicate() -> None:
    arrivals = {"<a>": [10.0], "<b>": [20.0, 45.0], "<c>": [60.0, 61.0]}
    kill = Window("worker0", 20.5, 20.5)
    check = delivered_once(["<a>", "<b>", "<c>", "<d>"], arrivals, [kill])

    assert (check.sent, check.once, check.lost) == (4, 1, ["<d>"])
    assert (check.d12_duplicates, check.unexplained_duplicates) == (["<b>"], ["<c>"])
    assert not check.ok


def test_a_duplicate_sent_during_a_database_outage_is_allowed_but_not_one_long_after() -> None:
    outage = Window("pgbouncer", 100.0, 108.0)
    arrivals = {"<in>": [104.0, 130.0], "<after>": [125.0, 150.0]}
    check = delivered_once(["<in>", "<after>"], arrivals, [outage])

    assert (check.d12_duplicates, check.unexplained_duplicates) == (["<in>"], ["<after>"])


def test_every_mail_once_is_ok() -> None:
    assert delivered_once(["<a>"], {"<a>": [1.0], "<other>": [2.0]}, []).ok


def test_percentile_interpolates_between_ranks_and_is_none_when_empty() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) == 4.8
    assert percentile([], 0.5) is None


def test_per_day_spreads_a_throughput_over_processes() -> None:
    assert per_day(100, 60.0, 2) == 72000
    assert per_day(5, 0.0, 2) == 0
