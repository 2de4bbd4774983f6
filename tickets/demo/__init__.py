"""Demo data for a first look at the desk: definitions (`data`, `tickets_data`) and the code that
creates them (`build` and its parts `people`, `customers`, `ticketing`, `steps`).

Run through `python manage.py seed_demo`.
"""


class DemoDataError(Exception):
    """The demo data cannot be created as asked (catalogue missing, --now too early)."""
