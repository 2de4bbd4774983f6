"""An email backend whose SMTP server is always down (for the outbox retry tests)."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP down")
