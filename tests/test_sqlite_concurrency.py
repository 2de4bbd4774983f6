"""Web, worker, beat and intake share one SQLite file in the embedded default: concurrent
writers must wait for each other, never fail with "database is locked" (issue #2 §1)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

WRITERS = 4
TICKETS_EACH = 25

SETUP = """
import django; django.setup()
from datetime import date
from contracts.models import Contact, ContactRole, Contract, Customer, Package
package = Package.objects.get(release__is_current=True, code="ons")
customer = Customer.objects.create(code="c", name="Klant")
contract = Contract.objects.create(reference="C-1", customer=customer, package=package,
                                   provider=package.release.provider, start_date=date(2025, 1, 1))
contact = Contact.objects.create(customer=customer, name="N", email="n@klant.example")
ContactRole.objects.create(contact=contact, contract=contract, role="named_contact")
"""

WRITER = """
import django, sys; django.setup()
from datetime import UTC, datetime, timedelta
from contracts.models import Contact
from tickets.services import TicketCreateInput, ticket_create, ticket_reply
contact = Contact.objects.get()
start = datetime(2026, 6, 1, 8, tzinfo=UTC)
for n in range(int(sys.argv[1])):
    now = start + timedelta(minutes=n)
    ticket = ticket_create(data=TicketCreateInput(contact=contact, request_type="incident",
        channel="api", subject=f"writer {n}", description="x", impact_scope="single_user",
        impact_effect="down"), now=now)
    ticket_reply(ticket=ticket, body="aanvulling", now=now, author_contact=contact)
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args],
        env=env,
        cwd=settings.BASE_DIR,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_concurrent_writers_on_sqlite_never_see_database_is_locked(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "SQLITE_BUSY_TIMEOUT": "60",
    }
    for args in (["manage.py", "migrate", "-v0"], ["manage.py", "load_catalog"], ["-c", SETUP]):
        done = _run(args, env)
        out, err = done.communicate(timeout=120)
        assert done.returncode == 0, err
    writers = [_run(["-c", WRITER, str(TICKETS_EACH)], env) for _ in range(WRITERS)]
    results = [(w.communicate(timeout=300), w.returncode) for w in writers]
    assert [code for _, code in results] == [0] * WRITERS, [err for (_, err), _ in results]
    count = _run(
        [
            "-c",
            "import django; django.setup(); from tickets.models import Ticket; "
            "print(Ticket.objects.count(), Ticket.objects.values('number').distinct()"
            ".count())",
        ],
        env,
    )
    out, err = count.communicate(timeout=60)
    assert out.split() == [str(WRITERS * TICKETS_EACH)] * 2, err
