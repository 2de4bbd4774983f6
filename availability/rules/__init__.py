"""Pure availability rules (SPEC §6, DECISIONS D22): intervals in, figures out; no Django.

- ``intervals``: half-open spans of real time as UTC epoch seconds (merge, clip, overlap).
- ``windows``: a month split into office-hours and outside-hours windows of a calendar.
- ``maintenance``: inside the maintenance window? announced early enough?
- ``figures``: one service's month: down seconds, percentages, interruptions, verdicts.
- ``targets``: the one table of default promises and maintenance windows per provider.
"""
