"""Who a mail goes to: a name, an address, the language the mail is written in, and the role
the person is told in (the reason they get it)."""

from __future__ import annotations

from dataclasses import dataclass

# The staff group told of configuration problems, alerts and refused escalation mails.
COORDINATOR_GROUP = "Support coordinator"


@dataclass(frozen=True)
class Recipient:
    role: str
    name: str
    email: str
    language: str = "nl"

    def as_json(self) -> dict[str, str]:
        return {
            "role": self.role,
            "name": self.name,
            "email": self.email,
            "language": self.language,
        }
