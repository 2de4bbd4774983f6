"""Pure calendars for the availability rule tests (the catalogue's figures, built without a DB)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from availability.rules.maintenance import MaintenanceWindowSpec
from availability.rules.targets import DEFAULT_MAINTENANCE_WINDOWS
from contracts.holidaysource import build_calendar

AMS = ZoneInfo("Europe/Amsterdam")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")

ONITNOW = build_calendar(
    "onitnow",
    "Europe/Amsterdam",
    {day: [["08:30", "17:30"]] for day in WORKDAYS},
    {"country": "NL", "categories": ("public", "optional"), "remove_names": ("Good Friday",)},
)
CBG = build_calendar(
    "cbg", "Europe/Amsterdam", {day: [["08:30", "17:00"]] for day in WORKDAYS}, {"country": "NL"}
)
ALWAYS = build_calendar("24x7", "Europe/Amsterdam", {}, None, always_open=True)

_DEFAULT = DEFAULT_MAINTENANCE_WINDOWS["onitnow"]
ONITNOW_WINDOW = MaintenanceWindowSpec(
    weekdays=_DEFAULT.weekdays, start=_DEFAULT.start, end=_DEFAULT.end, tz=AMS
)


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)
