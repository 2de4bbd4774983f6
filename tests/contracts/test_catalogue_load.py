"""Loading the catalogue files (issue #2 §2, DECISIONS D3): idempotent, versioned, all-or-nothing.

The session fixture already loaded catalogue/*.toml, so every provider is at version 1. Each test
works on tmp_path copies of the real files and edits their text.
"""

import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from contracts.catalogue_schema import parse_catalogue_file
from contracts.exceptions import CatalogueError
from contracts.models import (
    BusinessCalendar,
    CatalogueRelease,
    CatalogueService,
    EscalationPolicy,
    Package,
    Provider,
    SlaPolicy,
    SlaTarget,
)
from contracts.services.catalogue import catalogue_load
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
FILES = ("cbg.toml", "microsoft.toml", "onitnow.toml", "websitenazorg.toml")
PROVIDERS = ("cbg", "microsoft", "onitnow", "websitenazorg")
COUNTED = (
    Provider,
    CatalogueRelease,
    BusinessCalendar,
    Package,
    CatalogueService,
    EscalationPolicy,
    SlaPolicy,
    SlaTarget,
)


def _copies(tmp_path: Path) -> dict[str, Path]:
    """Copies of the four real catalogue files, by file name."""
    copies = {}
    for name in FILES:
        copies[name] = tmp_path / name
        shutil.copyfile(Path(settings.CATALOGUE_DIR) / name, copies[name])
    return copies


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in the file; `old` must occur exactly `count` times."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _current_versions() -> dict[str, int]:
    return dict(
        CatalogueRelease.objects.filter(is_current=True).values_list("provider__code", "version")
    )


def _load(paths: dict[str, Path]) -> list:
    return catalogue_load(paths=list(paths.values()), now=NOW)


# --- idempotence --------------------------------------------------------------------------------


def test_fixture_loaded_every_provider_at_version_1():
    assert _current_versions() == dict.fromkeys(PROVIDERS, 1)


def test_second_load_of_unchanged_files_creates_nothing(tmp_path):
    before = _counts()

    outcomes = _load(_copies(tmp_path))

    assert sorted((o.provider_code, o.version, o.created) for o in outcomes) == [
        (code, 1, False) for code in PROVIDERS
    ]
    assert _counts() == before
    assert _current_versions() == dict.fromkeys(PROVIDERS, 1)


def test_loading_the_same_files_twice_in_a_row_creates_nothing(tmp_path):
    paths = _copies(tmp_path)
    _load(paths)
    before = _counts()

    outcomes = _load(paths)

    assert [o.created for o in outcomes] == [False] * 4
    assert _counts() == before


LAYOUT_EDITS = [
    pytest.param(
        "onitnow.toml", "schema = 1\n", "# reviewed 2026\nschema = 1\n", id="comment-line"
    ),
    pytest.param(
        "onitnow.toml",
        '  response = "1h"\n  resolution = "4h"\n',
        '  response = "1h"  # Reactie Tijd\n  resolution = "4h"\n',
        id="trailing-comment",
    ),
    pytest.param("microsoft.toml", "[[packages]]\n", "\n\n[[packages]]\n", id="blank-lines"),
    pytest.param("cbg.toml", "  rank = ", "rank   =   ", id="indent-and-spacing"),
    pytest.param(
        "websitenazorg.toml",
        'code = "office365"\nname = "Office 365 Pakket"\n',
        'name = "Office 365 Pakket"\ncode = "office365"\n',
        id="key-order",
    ),
]


@pytest.mark.parametrize(("name", "old", "new"), LAYOUT_EDITS)
def test_comment_or_layout_edit_creates_nothing(tmp_path, name, old, new):
    paths = _copies(tmp_path)
    text = paths[name].read_text(encoding="utf-8")
    paths[name].write_text(text.replace(old, new), encoding="utf-8")
    assert paths[name].read_text(encoding="utf-8") != text
    before = _counts()

    outcomes = _load(paths)

    assert [o.created for o in outcomes] == [False] * 4
    assert _counts() == before
    assert _current_versions() == dict.fromkeys(PROVIDERS, 1)


def test_crlf_line_endings_create_nothing(tmp_path):
    paths = _copies(tmp_path)
    text = paths["onitnow.toml"].read_text(encoding="utf-8")
    paths["onitnow.toml"].write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    before = _counts()

    outcomes = _load(paths)

    assert [o.created for o in outcomes] == [False] * 4
    assert _counts() == before


# --- a changed figure makes a new version -------------------------------------------------------


def _onitnow_top_2h(tmp_path: Path) -> Path:
    """A copy of onitnow.toml whose Top response (IVX and ONS) is 2h instead of 1h."""
    path = _copies(tmp_path)["onitnow.toml"]
    _edit(path, 'response = "1h"', 'response = "2h"', count=2)
    return path


def test_changed_figure_creates_version_2_as_current(tmp_path):
    v1 = CatalogueRelease.objects.get(provider__code="onitnow", is_current=True)
    v1_targets = list(
        SlaTarget.objects.filter(policy__release=v1)
        .order_by("pk")
        .values_list("pk", "level", "response_seconds")
    )
    v1_packages = sorted(Package.objects.filter(release=v1).values_list("pk", flat=True))

    outcomes = catalogue_load(paths=[_onitnow_top_2h(tmp_path)], now=NOW)

    assert [(o.provider_code, o.version, o.created) for o in outcomes] == [("onitnow", 2, True)]
    releases = CatalogueRelease.objects.filter(provider__code="onitnow").order_by("version")
    assert [(r.version, r.is_current) for r in releases] == [(1, False), (2, True)]
    v2 = releases.get(version=2)
    assert v2.loaded_at == NOW
    assert v2.source_name == "onitnow.toml"
    assert 'response = "2h"' in v2.source_text
    assert v2.sha256 != v1.sha256
    # Version 1 keeps its rows untouched, for the tickets and contracts pointing at them.
    assert (
        list(
            SlaTarget.objects.filter(policy__release=v1)
            .order_by("pk")
            .values_list("pk", "level", "response_seconds")
        )
        == v1_targets
    )
    assert sorted(Package.objects.filter(release=v1).values_list("pk", flat=True)) == v1_packages
    top_seconds = SlaTarget.objects.filter(policy__release=v2, level="top").values_list(
        "response_seconds", flat=True
    )
    assert sorted(top_seconds) == [7200, 7200]
    assert SlaTarget.objects.filter(policy__release=v2).count() == len(v1_targets)
    # Other providers are not touched.
    assert _current_versions() == {"cbg": 1, "microsoft": 1, "onitnow": 2, "websitenazorg": 1}


def test_changed_figure_loaded_again_stays_at_version_2(tmp_path):
    path = _onitnow_top_2h(tmp_path)
    catalogue_load(paths=[path], now=NOW)
    before = _counts()

    outcomes = catalogue_load(paths=[path], now=NOW)

    assert [(o.provider_code, o.version, o.created) for o in outcomes] == [("onitnow", 2, False)]
    assert _counts() == before


def test_ticket_keeps_v1_target_and_due_time_after_reload_and_new_ticket_uses_v2(tmp_path):
    # Mon 4 May 17:00, onITnow 08:30-17:30, Tue 5 May (Bevrijdingsdag) closed.
    # v1 Top 1 h: 30 min Mon + 30 min Wed 6 May -> 09:00.
    old_contract = ContractFactory(provider_code="onitnow", package_code="ons")
    before = create_ticket(
        named_contact(old_contract), ams("2026-05-04 17:00"), priority_level="top"
    )
    v1_target_id = before.sla_target_id
    assert local(before.response_due_at) == "2026-05-06 09:00 +0200"
    assert before.sla_target.policy.release.version == 1

    catalogue_load(paths=[_onitnow_top_2h(tmp_path)], now=NOW)

    before.refresh_from_db()
    assert before.sla_target_id == v1_target_id
    assert before.sla_target.response_seconds == 3600
    assert before.sla_target.policy.release.version == 1
    assert before.package.release.version == 1
    assert local(before.response_due_at) == "2026-05-06 09:00 +0200"
    # A contract made after the reload uses v2 Top 2 h: 30 min Mon + 1h30 Wed -> 10:00.
    new_contract = ContractFactory(provider_code="onitnow", package_code="ons")
    after = create_ticket(
        named_contact(new_contract), ams("2026-05-04 17:00"), priority_level="top"
    )
    assert after.sla_target.policy.release.version == 2
    assert after.sla_target.response_seconds == 7200
    assert after.package.release.version == 2
    assert local(after.response_due_at) == "2026-05-06 10:00 +0200"
    assert local(Ticket.objects.get(pk=before.pk).response_due_at) == "2026-05-06 09:00 +0200"


# --- broken files are rejected, nothing is written ----------------------------------------------

BREAKAGES = [
    pytest.param(
        "onitnow.toml",
        'code = "ivx"\n',
        'code = "ivx\n',
        1,
        ("line 38", "not valid TOML"),
        id="toml-syntax",
    ),
    pytest.param(
        "onitnow.toml",
        'calendar = "onitnow"\nbilling_mode = "none"\nsort = 10\n',
        'billing_mode = "none"\nsort = 10\n',
        1,
        ("packages[0] (ivx)", "'calendar' is required"),
        id="package-without-calendar",
    ),
    pytest.param(
        "onitnow.toml",
        '  resolution = "4h"\n  calendar = "onitnow"\n',
        '  resolution = "4h"\n  calendar = "mars"\n',
        2,
        ("policies[0] (onitnow-ivx).targets[0] (top)", "unknown calendar 'mars'"),
        id="unknown-calendar-in-target",
    ),
    pytest.param(
        "onitnow.toml",
        'response = "1h"',
        'response = "1 hour"',
        2,
        ("policies[0] (onitnow-ivx).targets[0] (top)", "invalid duration '1 hour'"),
        id="bad-duration",
    ),
    pytest.param(
        "onitnow.toml",
        "  rank = 4\n",
        "  rank = 7\n",
        2,
        ("policies[0] (onitnow-ivx).targets[3] (laag)", "'rank' is 7; expected 1 to 4"),
        id="rank-7",
    ),
    pytest.param(
        "onitnow.toml",
        'inclusion = { ivx = "included", ons = "included" }',
        'inclusion = { ivx = "sometimes", ons = "included" }',
        1,
        ("services[0] (integration-service)", "inclusion for 'ivx' is 'sometimes'"),
        id="unknown-inclusion",
    ),
    pytest.param(
        "onitnow.toml",
        'country = "NL"',
        'country = "XX"',
        1,
        ("calendars[0] (onitnow)", "unknown holiday country 'XX'"),
        id="unknown-holiday-country",
    ),
    pytest.param(
        "onitnow.toml",
        'timezone = "Europe/Amsterdam"',
        'timezone = "Mars/Base"',
        1,
        ("calendars[0] (onitnow)", "unknown time zone 'Mars/Base'"),
        id="unknown-time-zone",
    ),
    pytest.param(
        "onitnow.toml",
        'clock = "business"',
        'clock = "24x7"',
        8,
        ("policies[0] (onitnow-ivx).targets[0] (top)", "clock '24x7' does not match calendar"),
        id="24x7-clock-on-business-calendar",
    ),
    pytest.param(
        "onitnow.toml",
        "# ---------------------------------------------------------------------------\n# Services",
        '[[packages]]\ncode = "ivx"\nname = "Copy"\ncalendar = "onitnow"\n\n# Services',
        1,
        ("packages[2] (ivx)", "code 'ivx' is used twice"),
        id="duplicate-package-code",
    ),
    pytest.param(
        "onitnow.toml",
        "schema = 1\n",
        "schema = 2\n",
        1,
        ("schema", "expected schema = 1, found 2"),
        id="schema-2",
    ),
    pytest.param(
        "onitnow.toml",
        "schema = 1\n",
        "schema = true\n",
        1,
        ("schema", "expected schema = 1, found True"),
        id="schema-true",
    ),
    pytest.param(
        "onitnow.toml",
        "[calendars.holidays]",
        "[calendars.holidayz]",
        1,
        ("calendars[0] (onitnow)", "unknown key(s) holidayz"),
        id="misspelled-holidays-table",
    ),
    pytest.param(
        "onitnow.toml",
        "[[escalation_contacts]]\n",
        "[[escalation_contactz]]\n",
        3,
        ("top level", "unknown key(s) escalation_contactz"),
        id="misspelled-array-of-tables",
    ),
    pytest.param(
        "onitnow.toml",
        '  resolution = "4h"\n  calendar = "onitnow"\n',
        '  resolution = "4h"\n  calendar = ["onitnow"]\n',
        2,
        ("policies[0] (onitnow-ivx).targets[0] (top)", "'calendar' must be str"),
        id="calendar-reference-not-a-string",
    ),
    pytest.param(
        "onitnow.toml",
        "mon = ",
        "monday = ",
        1,
        ("calendars[0] (onitnow)", "unknown day(s) monday"),
        id="misspelled-day",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "count", "expected"), BREAKAGES)
def test_broken_file_is_rejected_with_file_entry_and_reason(
    tmp_path, name, old, new, count, expected
):
    paths = _copies(tmp_path)
    # Valid changes in the same call, sorted before and after the broken file: not written either.
    _edit(paths["cbg.toml"], 'name = "CBG Connect"\n', 'name = "CBG Connect B.V."\n')
    _edit(paths["websitenazorg.toml"], '["09:00", "17:00"]', '["09:00", "18:00"]', count=5)
    text = paths[name].read_text(encoding="utf-8")
    assert text.count(old) == count
    paths[name].write_text(text.replace(old, new, 1), encoding="utf-8")
    before = _counts()
    releases_before = list(CatalogueRelease.objects.order_by("pk").values_list("pk", "is_current"))

    with pytest.raises(CatalogueError) as caught:
        _load(paths)

    entry, reason = expected
    matching = [p for p in caught.value.problems if entry in p and reason in p]
    assert matching, caught.value.problems
    assert all(p.startswith(f"{name}: ") for p in caught.value.problems)
    assert matching[0].startswith(f"{name}: ")
    assert str(caught.value).startswith("catalogue rejected:")
    assert _counts() == before
    assert (
        list(CatalogueRelease.objects.order_by("pk").values_list("pk", "is_current"))
        == releases_before
    )
    assert Provider.objects.get(code="cbg").name == "CBG Connect"
    assert _current_versions() == dict.fromkeys(PROVIDERS, 1)


def test_every_broken_file_is_reported_in_one_error(tmp_path):
    paths = _copies(tmp_path)
    _edit(paths["cbg.toml"], "schema = 1\n", "schema = 2\n")
    _edit(paths["microsoft.toml"], 'code = "core"\nname = "Core Support"\n', 'code = "core"\n')

    with pytest.raises(CatalogueError) as caught:
        _load(paths)

    assert caught.value.problems == [
        "cbg.toml: schema: expected schema = 1, found 2",
        "microsoft.toml: packages[0] (core): 'name' is required",
    ]


def test_provider_defined_in_two_files_is_rejected(tmp_path):
    paths = _copies(tmp_path)
    shutil.copyfile(paths["cbg.toml"], tmp_path / "cbg-copy.toml")
    before = _counts()

    with pytest.raises(CatalogueError) as caught:
        catalogue_load(paths=[paths["cbg.toml"], tmp_path / "cbg-copy.toml"], now=NOW)

    assert "provider: code 'cbg' is also defined in" in "\n".join(caught.value.problems)
    assert _counts() == before


# --- the load_catalog command -------------------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command("load_catalog", *args, stdout=out)
    return out.getvalue()


def test_load_catalog_reports_unchanged_files(tmp_path):
    output = _command(*(str(p) for p in _copies(tmp_path).values()))

    assert output.splitlines() == [f"{code}: unchanged, stays at version 1" for code in PROVIDERS]


def test_load_catalog_without_arguments_loads_the_catalogue_dir():
    before = _counts()

    output = _command()

    assert output.splitlines() == [f"{code}: unchanged, stays at version 1" for code in PROVIDERS]
    assert _counts() == before


def test_load_catalog_reports_a_changed_file_as_new_version(tmp_path):
    paths = _copies(tmp_path)
    _edit(paths["onitnow.toml"], 'response = "1h"', 'response = "2h"', count=2)

    output = _command(*(str(p) for p in paths.values()))

    assert output.splitlines() == [
        "cbg: unchanged, stays at version 1",
        "microsoft: unchanged, stays at version 1",
        "onitnow: loaded as version 2",
        "websitenazorg: unchanged, stays at version 1",
    ]


def test_load_catalog_rejects_a_broken_file_naming_file_entry_and_reason(tmp_path):
    paths = _copies(tmp_path)
    _edit(
        paths["onitnow.toml"],
        'calendar = "onitnow"\nbilling_mode = "none"\nsort = 10\n',
        'billing_mode = "none"\nsort = 10\n',
    )
    _edit(paths["cbg.toml"], 'name = "CBG Connect"\n', 'name = "CBG Connect B.V."\n')
    before = _counts()

    with pytest.raises(CommandError, match=r"onitnow\.toml: packages\[0\] \(ivx\): 'calendar'"):
        _command(*(str(p) for p in paths.values()))

    assert _counts() == before
    assert Provider.objects.get(code="cbg").name == "CBG Connect"


def test_load_catalog_rejects_a_toml_syntax_error_naming_the_file(tmp_path):
    paths = _copies(tmp_path)
    _edit(paths["cbg.toml"], "[provider]\n", "[provider\n")

    with pytest.raises(CommandError, match=r"cbg\.toml: not valid TOML"):
        _command(str(paths["cbg.toml"]))


def test_load_catalog_rejects_a_missing_path_naming_it(tmp_path):
    paths = _copies(tmp_path)
    missing = tmp_path / "nowhere.toml"
    before = _counts()

    with pytest.raises(CommandError, match=r"no such file: .*nowhere\.toml"):
        _command(str(paths["onitnow.toml"]), str(missing))

    assert _counts() == before


def test_load_catalog_rejects_a_directory_as_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _command(str(tmp_path))


def test_entries_that_are_not_tables_are_reported_not_crashed(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(
        'schema = 1\nchannels = ["x"]\nescalation_contacts = [1]\n'
        '[provider]\ncode = "x"\nname = "X"\n'
        '[[policies]]\ncode = "p"\nname = "P"\ntargets = [1]\n',
        encoding="utf-8",
    )
    parsed, errors = parse_catalogue_file(path)
    assert parsed is None
    assert errors == [
        "x.toml: policies[0] (p).targets[0]: must be a table",
        "x.toml: channels[0]: must be a table",
        "x.toml: escalation_contacts[0]: must be a table",
    ]


def test_a_changed_on_call_acknowledgement_wait_is_a_new_version_with_that_wait(tmp_path):
    paths = _copies(tmp_path)
    _edit(paths["cbg.toml"], 'oncall_acknowledge = "15m"', 'oncall_acknowledge = "20m"')

    _load(paths)

    current = EscalationPolicy.objects.get(release__provider__code="cbg", release__is_current=True)
    assert (current.release.version, current.oncall_acknowledge_seconds) == (2, 20 * 60)
