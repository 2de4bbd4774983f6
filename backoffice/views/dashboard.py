"""The staff dashboard in the admin (back-office issue §4): charts, their numbers, a CSV.

Parse the month, ask backoffice.dashboard for the figures (a fixed number of queries), draw
the charts with reports.svg and render; the CSV carries the same tables. Staff in any
provider role may look (they all hold tickets.view_ticket); others get 403.
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from backoffice.dashboard import (
    ContractCompliance,
    Dashboard,
    ProviderTrend,
    Tally,
    dashboard_figures,
    month_add,
    month_parse,
)
from backoffice.dashboard_usage import usage_dashboard
from reports.csvexport import CsvSection, csv_text
from reports.svg import Bar, Number, Series, bar_chart, line_chart, number_text
from tickets.compliance import ComplianceRow
from tickets.models import Metric

PERMISSION = "tickets.view_ticket"
WORST_SHOWN = 15


def _figures(request: HttpRequest) -> tuple[Dashboard, str]:
    """The figures for ?month=YYYY-MM (default: this month) and an error message, if any."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    now = timezone.now()
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)  # D9: months of the display zone, as reports
    month, error = now.astimezone(zone).date().replace(day=1), ""
    text = request.GET.get("month", "").strip()
    if text:
        try:
            month = month_parse(text)
        except ValueError as exc:
            error = str(exc)
    return dashboard_figures(now=now, month=month, zone=zone, user=request.user), error


def _tally_chart(title: str, tallies: list[Tally], tone: str = "default") -> SafeString:
    bars = [Bar(t.label, t.count, "muted" if t.key == "none" else tone) for t in tallies]
    return bar_chart(title=title, bars=bars)


def _worst_chart(rows: list[ContractCompliance]) -> SafeString:
    """The lowest percentages of the month, each with its threshold tick."""
    figures: list[tuple[ContractCompliance, ComplianceRow]] = [
        (row, metric)
        for row in rows
        for metric in (row.response, row.resolution)
        if metric is not None and metric.percentage is not None
    ]
    figures.sort(key=lambda f: (f[1].percentage, f[0].reference))
    bars = [
        Bar(
            f"{row.reference} {row.label} {Metric(metric.metric).label}",
            metric.percentage,
            {True: "ok", False: "alert", None: "default"}[metric.within_threshold],
            metric.threshold,
        )
        for row, metric in figures[:WORST_SHOWN]
    ]
    title = _("Lowest compliance of the month (%(shown)s of %(all)s figures)") % {
        "shown": len(bars),
        "all": len(figures),
    }
    return bar_chart(title=title, bars=bars, maximum=100, unit=" %")


def _trend_charts(figures: Dashboard) -> list[tuple[ProviderTrend, SafeString]]:
    charts = []
    for trend in figures.trends:
        labels = [date_format(p.month, "M y") for p in trend.points]
        threshold = trend.threshold
        chart = line_chart(
            title=_("%(provider)s: compliance per month") % {"provider": trend.name},
            labels=labels,
            series=[
                Series(_("response"), [p.response_percentage for p in trend.points]),
                Series(_("resolution"), [p.resolution_percentage for p in trend.points]),
            ],
            threshold=threshold,
            threshold_label=_("lowest threshold %(value)s %%") % {"value": _threshold(threshold)},
        )
        charts.append((trend, chart))
    return charts


def dashboard(request: HttpRequest) -> HttpResponse:
    figures, error = _figures(request)
    open_tickets, today = figures.open_tickets, figures.today
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard"),
        "figures": figures,
        "month_error": error,
        "month_value": figures.month.strftime("%Y-%m"),
        "month_label": date_format(figures.month, "F Y"),
        "previous_month": month_add(figures.month, -1).strftime("%Y-%m"),
        "next_month": month_add(figures.month, 1).strftime("%Y-%m"),
        "status_chart": _tally_chart(_("Open tickets by status"), open_tickets.by_status),
        "priority_chart": _tally_chart(_("Open tickets by priority"), open_tickets.by_priority),
        "breach_chart": _tally_chart(_("Breaches today"), today.breaches, "alert"),
        "escalation_chart": _tally_chart(_("Escalations raised today"), today.escalations),
        "worst_chart": _worst_chart(figures.compliance),
        "below_threshold": sum(1 for r in figures.compliance if r.within_threshold is False),
        "trends": _trend_charts(figures),
        "csat_months": [p.month for p in figures.csat[0].months] if figures.csat else [],
        "usage": usage_dashboard(user=request.user, month=figures.month, today=today.day),
    }
    return TemplateResponse(request, "backoffice/dashboard.html", context)


def _threshold(value: Decimal | None) -> str:
    """80.00 as 80, 97.50 as 97.5."""
    return "" if value is None else f"{value.normalize():f}"


def _number(value: Number | None) -> str:
    """A figure for the CSV: empty when there is none."""
    return "" if value is None else number_text(value)


def _metric_cells(row: ComplianceRow | None) -> list[object]:
    if row is None:
        return ["", "", "", ""]
    verdict = {True: _("yes"), False: _("no"), None: ""}[row.within_threshold]
    return [row.met, row.missed, _number(row.percentage), verdict]


def dashboard_sections(figures: Dashboard) -> list[CsvSection]:
    """The dashboard's tables for the CSV download."""
    month = figures.month.strftime("%Y-%m")
    metric_head = [_("met"), _("missed"), "%", _("within threshold")]
    return [
        CsvSection(
            _("Open tickets by status"),
            [_("status"), _("tickets")],
            [(t.label, t.count) for t in figures.open_tickets.by_status],
        ),
        CsvSection(
            _("Open tickets by priority"),
            [_("priority"), _("tickets")],
            [(t.label, t.count) for t in figures.open_tickets.by_priority],
        ),
        CsvSection(
            _("Breaches on %(day)s") % {"day": figures.today.day.isoformat()},
            [_("metric"), _("clocks")],
            [(t.label, t.count) for t in figures.today.breaches],
        ),
        CsvSection(
            _("Escalations raised on %(day)s") % {"day": figures.today.day.isoformat()},
            [_("level"), _("escalations")],
            [(t.label, t.count) for t in figures.today.escalations],
        ),
        CsvSection(
            _("Compliance per contract, %(month)s") % {"month": month},
            [_("provider"), _("customer"), _("contract"), _("priority"), _("threshold %")]
            + [f"{_('response')} {h}" for h in metric_head]
            + [f"{_('resolution')} {h}" for h in metric_head]
            + [_("excluded")],
            [
                [
                    r.provider,
                    r.customer,
                    r.reference,
                    r.label,
                    _threshold(r.threshold),
                    *_metric_cells(r.response),
                    *_metric_cells(r.resolution),
                    r.excluded_count,
                ]
                for r in figures.compliance
            ],
        ),
        CsvSection(
            _("Trend per provider, 12 months up to %(month)s") % {"month": month},
            [_("provider"), _("month"), _("tickets opened"), _("response %"), _("resolution %")],
            [
                [
                    t.name,
                    p.month.strftime("%Y-%m"),
                    p.opened,
                    _number(p.response_percentage),
                    _number(p.resolution_percentage),
                ]
                for t in figures.trends
                for p in t.points
            ],
        ),
        CsvSection(
            _("Customer satisfaction per contract and month, 12 months up to %(month)s")
            % {"month": month},
            [
                _("provider"),
                _("customer"),
                _("contract"),
                _("month"),
                _("answers"),
                _("average score (1-5)"),
            ],
            [
                [
                    c.provider,
                    c.customer,
                    c.reference,
                    m.month.strftime("%Y-%m"),
                    m.answers,
                    _number(m.average),
                ]
                for c in figures.csat
                for m in c.months
                if m.answers
            ],
        ),
    ]


def dashboard_csv(request: HttpRequest) -> HttpResponse:
    figures, error = _figures(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        csv_text(dashboard_sections(figures)), content_type="text/csv; charset=utf-8"
    )
    name = f"dashboard-{figures.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
