"""The API's own rows: remembered responses of retried writes (issue #12 §3)."""

from django.db import models


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight"
    DONE = "done"


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one caller: the request's fingerprint and, once it has run, the
    response it got. The unique constraint is the lock: of two requests with one key, exactly
    one inserts the row and runs; the other is answered from the row."""

    caller_key = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=IdempotencyState.choices)
    # An in-flight record whose process died is taken over after this.
    locked_until = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller_key", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.caller_key} {self.key} ({self.state})"
