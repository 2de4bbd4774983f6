"""python manage.py ingest_email < message.eml: the MTA pipe transport (Postfix `pipe`, Exim).

Exit codes follow sysexits(3): 0 stored (whatever its outcome, duplicates included), 65
EX_DATAERR rejected for policy (over the size limit: the MTA bounces it; the refusal is
recorded as a quarantined message with the headers), 75 EX_TEMPFAIL on a temporary failure
(the MTA keeps the message and retries).
"""

import sys
from typing import Any

from django.core.management.base import CommandParser
from django.db import DatabaseError
from django.utils import timezone

from contracts.management.base import DomainCommand
from intake.models import Transport
from intake.parsing import MessageRejected
from intake.raw import RawStoreUnavailable
from intake.services.receive import InboundRefused, inbound_receive

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75


class Command(DomainCommand):
    help = "Read one RFC 5322 message on stdin and take it in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", default="pipe", help="label of the receiving address")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            inbound, created = inbound_receive(
                raw=raw, transport=Transport.PIPE, mailbox=options["mailbox"], now=timezone.now()
            )
        except InboundRefused as exc:
            self.stderr.write(f"rejected: {exc} (recorded as {exc.inbound.pk})")
            sys.exit(EX_DATAERR)
        except MessageRejected as exc:
            self.stderr.write(f"rejected: {exc}")
            sys.exit(EX_DATAERR)
        except (DatabaseError, RawStoreUnavailable) as exc:
            self.stderr.write(f"temporary failure, retry later: {exc}")
            sys.exit(EX_TEMPFAIL)
        state = inbound.outcome if created else "duplicate, no effect"
        self.stdout.write(f"{inbound.pk}: {state}")
        sys.exit(EX_OK)
