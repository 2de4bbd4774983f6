"""Monthly figures for the dashboard (issue #16): counted live, or read from the roll-up of the
months that are over.

A selector module: reads only (the roll-up is written by tickets.services.figures). Three kinds
of figures per month of the display zone: the clocks decided in it (tickets.compliance,
DECISIONS D9), the tickets registered in it and the survey answers given in it, each per
contract. `monthly_figures` answers them for a list of months: a month that is over and whose
roll-up is fresh is read from the roll-up, every other month (this month, a month whose
roll-up is missing or outdated) is counted live by the very same queries the roll-up was
counted with, so both give the same numbers. A month is "over" for the roll-up once its end
is ROLLUP_GRACE in the past (a transaction open across midnight has committed by then; see
tickets.figures_marks).
"""

from tickets.figures.months import (
    ROLLUP_GRACE,
    display_zone,
    month_add,
    month_is_over,
    month_of,
    month_start,
)
from tickets.figures.rolled import month_counted, monthly_figures, months_fresh, months_rolled
from tickets.figures.rows import MonthlyFigures, TicketGroup, TrendCell

__all__ = [
    "ROLLUP_GRACE",
    "MonthlyFigures",
    "TicketGroup",
    "TrendCell",
    "display_zone",
    "month_add",
    "month_counted",
    "month_is_over",
    "month_of",
    "month_start",
    "monthly_figures",
    "months_fresh",
    "months_rolled",
]
