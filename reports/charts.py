"""The review pack's charts, drawn by the project as SVG (reports.svg) from the pack's JSON,
for the page and the PDF alike; each sits beside the table of its numbers (reports.tables)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.svg import Bar, bar_chart

Pack = dict[str, Any]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def compliance_chart(pack: Pack) -> SafeString | None:
    bars = []
    for line in pack["compliance"]:
        threshold = _decimal(line["threshold"])
        for metric, name in (("response", _("response")), ("resolution", _("resolution"))):
            figures = line[metric]
            if figures is None or figures["percentage"] is None:
                continue
            tone = {True: "ok", False: "alert", None: "default"}[figures["within_threshold"]]
            bars.append(
                Bar(f"{line['label']} {name}", _decimal(figures["percentage"]), tone, threshold)
            )
    if not bars:
        return None
    title = _("Compliance per priority, the mark at the threshold")
    return bar_chart(title=title, bars=bars, maximum=100, unit=" %", room=220)


def availability_chart(pack: Pack) -> SafeString | None:
    """Office-hours availability per service and month, the mark at the promise."""
    figures = pack["availability"]
    months = [m for m in (figures or {}).get("months", []) if m["office_percent"] is not None]
    if not months:
        return None
    bars = [
        Bar(
            f"{m['service']} {m['month']}",
            _decimal(m["office_percent"]),
            {True: "ok", False: "alert", None: "default"}[m["office_met"]],
            _decimal(m["office_target"]),
        )
        for m in months
    ]
    title = _("Availability in office hours, the mark at the promise")
    return bar_chart(title=title, bars=bars, maximum=100, unit=" %", room=220)


def _tally_chart(title: str, tallies: list[dict[str, Any]]) -> SafeString:
    bars = [
        Bar(t["label"], t["count"], "muted" if t["key"] == "none" else "default") for t in tallies
    ]
    return bar_chart(title=title, bars=bars, room=200)


def csat_chart(pack: Pack) -> SafeString | None:
    months = pack["csat"]["months"]
    if not pack["csat"]["answers"]:
        return None
    bars = [Bar(m["month"], _decimal(m["average"])) for m in months]
    return bar_chart(title=_("Average score per month (1-5)"), bars=bars, maximum=5, room=200)


def usage_chart(pack: Pack) -> SafeString | None:
    usage = pack["usage"]
    if usage is None:
        return None
    bars = [Bar(m["month"], _decimal(m["amount"])) for m in usage["months"]]
    return bar_chart(title=_("Billed amount per month (EUR)"), bars=bars, room=200)


def pack_charts(pack: Pack) -> dict[str, SafeString]:
    """Chart per table key (reports.tables), for the tables that have one."""
    volumes = pack["volumes"]
    charts: dict[str, SafeString | None] = {
        "compliance": compliance_chart(pack),
        "availability": availability_chart(pack),
        "by_type": _tally_chart(_("Tickets by type"), volumes["by_type"]),
        "by_priority": _tally_chart(_("Tickets by priority"), volumes["by_priority"]),
        "by_channel": _tally_chart(_("Tickets by channel"), volumes["by_channel"]),
        "escalations_by_level": _tally_chart(
            _("Escalations by level"), pack["escalations"]["by_level"]
        ),
        "csat": csat_chart(pack),
        "usage": usage_chart(pack),
    }
    return {key: chart for key, chart in charts.items() if chart is not None}
