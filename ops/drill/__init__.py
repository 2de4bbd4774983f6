"""The drill (issue 17 §2): the production topology on loopback, under load and faults.

`python -m ops.drill [--short]` starts nginx, two gunicorn, PgBouncer, a private Redis, three
Celery workers, two beats, an SMTP sink and the SMTP intake, drives load, kills and restarts
processes on a schedule, then verifies that nothing accepted was lost or doubled. The pure parts
(`verify`, `chart`) are tested in tests/drill/.
"""
