"""The review pack's tables, read from its JSON (a live pack's `to_dict()` or a stored pack's
data): one list of titled tables that the page, the PDF and the CSV all print, cell for cell,
so the three renderings show the same numbers. Labels in the active language; figures as the
JSON has them (a dot for decimals), moments as `YYYY-MM-DD HH:MM` in the display zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from reports.csvexport import CsvSection, csv_text

Pack = dict[str, Any]
DASH = "—"


@dataclass(frozen=True)
class Row:
    cells: list[str]
    alert: bool = False  # a breach, a figure below its threshold, an overdue RCA


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[Row]
    empty: str = ""  # what the page says when there are no rows
    note: str = ""
    numeric: list[int] = field(default_factory=list)  # columns aligned right


def when(value: str | None) -> str:
    """An ISO moment of the pack as people read it (the zone is the pack's)."""
    if not value:
        return DASH
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")


def number(value: object) -> str:
    return DASH if value is None or value == "" else str(value)


def yes_no(value: bool | None) -> str:
    return DASH if value is None else (_("yes") if value else _("no"))


def compliance_table(pack: Pack) -> Table:
    """One row per priority and target (response, resolution), measured separately (D9)."""
    rows = []
    for line in pack["compliance"]:
        for metric, name in (("response", _("response")), ("resolution", _("resolution"))):
            figures = line[metric]
            if figures is None:
                continue
            rows.append(
                Row(
                    [
                        line["label"],
                        name,
                        number(line["threshold"]),
                        number(figures["met"]),
                        number(figures["missed"]),
                        number(figures["excluded"]),
                        number(figures["percentage"]),
                        yes_no(figures["within_threshold"]),
                    ],
                    alert=figures["within_threshold"] is False,
                )
            )
    return Table(
        key="compliance",
        title=_("SLA compliance per priority"),
        header=[
            _("priority"),
            _("target"),
            _("threshold %"),
            _("met"),
            _("missed"),
            _("excluded"),
            _("compliance %"),
            _("within threshold"),
        ],
        rows=rows,
        empty=_("No SLA clock was decided in this period."),
        note=_(
            "A clock counts in the period its verdict fell; exempt and vendor-owned clocks are "
            "listed as excluded and not counted."
        ),
        numeric=[2, 3, 4, 5, 6],
    )


def _problem_text(breach: dict[str, Any]) -> str:
    problem = breach["problem"]
    if problem is None:
        return ""
    text = f"{problem['number']} ({problem['status_label']})"
    if problem["rca_delivered"]:
        return text + " " + _("RCA delivered %(day)s") % {"day": when(problem["rca_delivered"])}
    if problem["rca_due"]:
        return text + " " + _("RCA due %(day)s") % {"day": when(problem["rca_due"])}
    return text


def _breach_rows(breaches: list[dict[str, Any]]) -> list[Row]:
    return [
        Row(
            [
                b["ticket"],
                b["subject"],
                b["priority"],
                b["metric_label"],
                when(b["due"]),
                when(b["actual"]) if b["actual"] else _("still open"),
                number(b["late_minutes"]),
                yes_no(b["counted"]),
                b["cause"],
                b["done"],
                b["status_label"],
                _problem_text(b),
            ],
            alert=b["counted"],
        )
        for b in breaches
    ]


def _breach_header() -> list[str]:
    return [
        _("ticket"),
        _("subject"),
        _("priority"),
        _("target"),
        _("due"),
        _("met at"),
        _("minutes late"),
        _("counted"),
        _("cause"),
        _("what was done"),
        _("status now"),
        _("problem and RCA"),
    ]


def breach_tables(pack: Pack) -> list[Table]:
    previous = pack["previous_period"]["label"]
    return [
        Table(
            key="breaches",
            title=_("Targets breached in this period"),
            header=_breach_header(),
            rows=_breach_rows(pack["breaches"]),
            empty=_("No target was breached in this period."),
            numeric=[6],
        ),
        Table(
            key="previous_breaches",
            title=_("Breaches of the previous period revisited (%(period)s)")
            % {"period": previous},
            header=_breach_header(),
            rows=_breach_rows(pack["previous_breaches"]),
            empty=_("No target was breached in the previous period."),
            numeric=[6],
        ),
    ]


def _tally_table(key: str, title: str, head: str, tallies: list[dict[str, Any]]) -> Table:
    return Table(
        key=key,
        title=title,
        header=[head, _("tickets")],
        rows=[Row([t["label"], number(t["count"])]) for t in tallies],
        numeric=[1],
    )


def volume_tables(pack: Pack) -> list[Table]:
    volumes = pack["volumes"]
    total = volumes["total"]
    return [
        _tally_table(
            "by_type",
            _("Tickets registered by type (%(total)s in all)") % {"total": total},
            _("type"),
            volumes["by_type"],
        ),
        _tally_table(
            "by_priority", _("Tickets by priority"), _("priority"), volumes["by_priority"]
        ),
        _tally_table("by_channel", _("Tickets by channel"), _("channel"), volumes["by_channel"]),
    ]


def escalation_tables(pack: Pack) -> list[Table]:
    escalations = pack["escalations"]
    items = escalations["items"]
    shown = _("The latest %(shown)s of %(total)s are listed.") % {
        "shown": len(items),
        "total": escalations["total"],
    }
    return [
        Table(
            key="escalations_by_level",
            title=_("Escalations by level (%(total)s in all)") % {"total": escalations["total"]},
            header=[_("level"), _("escalations")],
            rows=[Row([t["label"], number(t["count"])]) for t in escalations["by_level"]],
            numeric=[1],
        ),
        Table(
            key="escalations",
            title=_("Escalations"),
            header=[
                _("ticket"),
                _("level"),
                _("reason"),
                _("raised"),
                _("acknowledged"),
                _("resolved"),
            ],
            rows=[
                Row(
                    [
                        e["ticket"],
                        e["level_label"],
                        e["reason"],
                        when(e["raised"]),
                        when(e["acknowledged"]),
                        when(e["resolved"]),
                    ]
                )
                for e in items
            ],
            empty=_("No escalation was raised in this period."),
            note=shown if len(items) < escalations["total"] else "",
        ),
    ]


def problem_table(pack: Pack) -> Table:
    return Table(
        key="problems",
        title=_("Problems and root cause analyses"),
        header=[
            _("problem"),
            _("title"),
            _("status"),
            _("origin"),
            _("incidents"),
            _("RCA due"),
            _("RCA delivered"),
            _("overdue"),
        ],
        rows=[
            Row(
                [
                    p["number"],
                    p["title"],
                    p["status_label"],
                    p["origin_label"],
                    number(p["incidents"]),
                    when(p["rca_due"]),
                    when(p["rca_delivered"]),
                    yes_no(p["overdue"]),
                ],
                alert=p["overdue"],
            )
            for p in pack["problems"]
        ],
        empty=_("No problem was open in this period."),
        numeric=[4],
    )


def csat_table(pack: Pack) -> Table:
    csat = pack["csat"]
    rows = [Row([m["month"], number(m["answers"]), number(m["average"])]) for m in csat["months"]]
    rows.append(Row([_("whole period"), number(csat["answers"]), number(csat["average"])]))
    return Table(
        key="csat",
        title=_("Customer satisfaction"),
        header=[_("month"), _("answers"), _("average score (1-5)")],
        rows=rows,
        numeric=[1, 2],
    )


def usage_tables(pack: Pack) -> list[Table]:
    usage = pack["usage"]
    if usage is None:
        return []
    months = [
        Row([m["month"], number(m["billable_minutes"]), number(m["amount"])])
        for m in usage["months"]
    ]
    months.append(
        Row([_("whole period"), number(usage["billable_minutes"]), number(usage["amount"])])
    )
    tables = [
        Table(
            key="usage",
            title=_("Billable usage per month"),
            header=[_("month"), _("billable minutes"), _("amount (EUR)")],
            rows=months,
            numeric=[1, 2],
        )
    ]
    if usage["entitlements"]:
        tables.append(
            Table(
                key="entitlements",
                title=_("Entitlements: added, used and the balance at the end"),
                header=[_("entitlement"), _("added"), _("used"), _("balance")],
                rows=[
                    Row([e["label"], number(e["added"]), number(e["used"]), number(e["balance"])])
                    for e in usage["entitlements"]
                ],
                numeric=[1, 2, 3],
            )
        )
    if usage["fair_use"]:
        tables.append(
            Table(
                key="fair_use",
                title=_("Fair use: minutes per licence against twice the others' mean"),
                header=[
                    _("month"),
                    _("minutes"),
                    _("licences"),
                    _("per licence"),
                    _("2x the mean of the others"),
                    _("flagged"),
                ],
                rows=[
                    Row(
                        [
                            f["month"],
                            number(f["minutes"]),
                            number(f["licences"]),
                            number(f["per_licence"]),
                            number(f["threshold"]),
                            yes_no(f["flagged"]),
                        ],
                        alert=f["flagged"],
                    )
                    for f in usage["fair_use"]
                ],
                numeric=[1, 2, 3, 4],
            )
        )
    return tables


def vendor_table(pack: Pack) -> Table:
    vendors = pack["vendor_escalations"]
    items = vendors["items"]
    return Table(
        key="vendor_escalations",
        title=_("Vendor escalations (%(total)s in all)") % {"total": vendors["total"]},
        header=[
            _("ticket"),
            _("vendor"),
            _("vendor's reference"),
            _("escalated"),
            _("last update shared"),
            _("closed"),
        ],
        rows=[
            Row(
                [
                    v["ticket"],
                    v["vendor"],
                    v["reference"],
                    when(v["escalated"]),
                    when(v["last_update_shared"]),
                    when(v["closed"]),
                ]
            )
            for v in items
        ],
        empty=_("No ticket was with a vendor in this period."),
    )


def _availability_rows(months: list[dict[str, Any]]) -> list[Row]:
    return [
        Row(
            [
                m["service"],
                m["month"],
                number(m["office_percent"]),
                number(m["office_target"]),
                yes_no(m["office_met"]),
                number(m["outside_percent"]),
                number(m["outside_target"]),
                yes_no(m["outside_met"]),
                number(m["down_minutes"]),
                number(m["interruptions"]),
                number(m["max_interruptions"]),
                yes_no(m["interruptions_met"]),
            ],
            alert=False in (m["office_met"], m["outside_met"], m["interruptions_met"]),
        )
        for m in months
    ]


def availability_tables(pack: Pack) -> list[Table]:
    """Availability per service and month, the broken promises, the outages, the maintenance."""
    figures = pack["availability"] or {
        "months": [],
        "breaches": [],
        "outages": [],
        "maintenance": [],
    }
    return [
        Table(
            key="availability",
            title=_("Availability per service and month"),
            header=[
                _("service"),
                _("month"),
                _("office hours %"),
                _("promised %"),
                _("met"),
                _("outside office hours %"),
                _("promised %"),
                _("met"),
                _("minutes down"),
                _("interruptions"),
                _("at most"),
                _("met"),
            ],
            rows=_availability_rows(figures["months"]),
            empty=_("No monitored service under this contract in this period."),
            note=_(
                "Planned maintenance inside the maintenance window, the listed exclusions and "
                "outages that left some users working are not counted as downtime."
            ),
            numeric=[2, 3, 5, 6, 8, 9, 10],
        ),
        Table(
            key="availability_breaches",
            title=_("Availability promises broken in this period"),
            header=[
                _("service"),
                _("month"),
                _("promise"),
                _("achieved"),
                _("promised"),
                _("minutes down"),
                _("outages (tickets)"),
            ],
            rows=[
                Row(
                    [
                        b["service"],
                        b["month"],
                        b["promise_label"],
                        b["achieved"],
                        b["promised"],
                        number(b["down_minutes"]),
                        "; ".join(b["outages"]),
                    ],
                    alert=True,
                )
                for b in figures["breaches"]
            ],
            empty=_("No availability promise was broken in this period."),
            numeric=[5],
        ),
        Table(
            key="outages",
            title=_("Outages and interruptions"),
            header=[
                _("service"),
                _("from"),
                _("until"),
                _("planned"),
                _("all users"),
                _("counted"),
                _("left out because"),
                _("tickets"),
            ],
            rows=[
                Row(
                    [
                        o["service"],
                        when(o["start"]),
                        when(o["end"]),
                        yes_no(o["planned"]),
                        yes_no(o["all_users"]),
                        yes_no(o["counted"]),
                        o["reason"],
                        ", ".join(o["tickets"]),
                    ]
                )
                for o in figures["outages"]
            ],
            empty=_("No outage in this period."),
        ),
        Table(
            key="maintenance",
            title=_("Maintenance performed"),
            header=[
                _("maintenance"),
                _("services"),
                _("from"),
                _("until"),
                _("status"),
                _("inside the window"),
                _("announced in time"),
            ],
            rows=[
                Row(
                    [
                        m["title"],
                        ", ".join(m["services"]),
                        when(m["start"]),
                        when(m["end"]),
                        m["status_label"],
                        yes_no(m["inside_window"]),
                        yes_no(m["notice_ok"]),
                    ],
                    alert=not m["inside_window"] and not m["notice_ok"],
                )
                for m in figures["maintenance"]
            ],
            empty=_("No maintenance in this period."),
        ),
    ]


SECTIONS: list[Callable[[Pack], Table | list[Table]]] = [
    compliance_table,
    breach_tables,
    availability_tables,
    volume_tables,
    escalation_tables,
    problem_table,
    csat_table,
    usage_tables,
    vendor_table,
]


def pack_tables(pack: Pack) -> list[Table]:
    tables: list[Table] = []
    for section in SECTIONS:
        made = section(pack)
        tables.extend(made if isinstance(made, list) else [made])
    return tables


def pack_facts(pack: Pack) -> list[tuple[str, str]]:
    contract = pack["contract"]
    return [
        (_("Customer"), contract["customer"]),
        (_("Contract"), contract["reference"]),
        (_("Package"), contract["package"]),
        (_("Provider"), contract["provider"]),
        (_("Period"), pack["period"]["label"]),
        (_("Figures as of"), when(pack["as_of"])),
    ]


def pack_csv(pack: Pack) -> str:
    """The pack as CSV: its facts, then every table (title, header, rows, a blank line)."""
    facts = CsvSection(_("Service review pack"), [_("fact"), _("value")], pack_facts(pack))
    sections = [CsvSection(t.title, t.header, [r.cells for r in t.rows]) for t in pack_tables(pack)]
    return csv_text([facts, *sections])
