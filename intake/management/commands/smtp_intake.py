"""python manage.py smtp_intake [--host H] [--port P]: run the SMTP intake listener."""

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from contracts.management.base import DomainCommand
from intake.smtp import smtp_controller


class Command(DomainCommand):
    help = "Listen for support mail over SMTP (loopback by default) and take it in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.INTAKE_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.INTAKE_SMTP_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = smtp_controller(options["host"], options["port"])
        controller.start()
        self.stdout.write(f"SMTP intake listening on {options['host']}:{options['port']}")
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait()
        controller.stop()
