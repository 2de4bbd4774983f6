"""`Idempotency-Key` on POST and PATCH (IETF draft-ietf-httpapi-idempotency-key-header).

The same key with the same request within 24 hours returns the first response (marked
`Idempotent-Replayed: true`); the same key with another request answers 422; while the first
request still runs, 409. The claim is an INSERT committed before the work starts (the unique
constraint decides between concurrent requests); the response is stored in the same transaction
as the work it reports, so a crash leaves neither and a retry after the lease runs again.
A response that says "try later" (409, 412, 429, 5xx) is not stored: the retry may succeed.

Secrets are never kept. A view whose answer holds a secret shown once (a webhook endpoint's
signing secret, when it is made or rotated) marks it with `secret_fields_mark`; the record then
keeps that answer with those fields null. A retry with the same key and body gets the same
status, headers and object (the same endpoint, no second one, no second rotation) with the
secret null: it was shown in the first answer only, and whoever lost it rotates the secret.
Storing the secret, even for a day, would put it in a table that backups, replicas and
database readers see; answering the retry with an error would invite a retry under a new key,
which makes a second endpoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from rest_framework.request import Request

from api.errors import problem
from api.models import IdempotencyRecord, IdempotencyState
from contracts.bulk_sql import statements_cursor

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
NOT_STORED = {409, 412, 429}
_COPIED_HEADERS = ("Location", "ETag", "Content-Language")
# The attribute of a response naming the top-level JSON fields that hold a secret.
_SECRET_FIELDS = "idempotency_secret_fields"


def secret_fields_mark(response: HttpResponseBase, *fields: str) -> HttpResponseBase:
    """Mark `response` as carrying secrets in these fields: its record keeps them null."""
    setattr(response, _SECRET_FIELDS, fields)
    return response


def _without_secrets(body: bytes, fields: Sequence[str]) -> bytes:
    """The JSON object `body` with `fields` null; a body that is not one is not kept at all."""
    try:
        data = json.loads(body)
    except ValueError:
        return b""
    if not isinstance(data, dict):
        return b""
    data.update({name: None for name in fields if name in data})
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class Claim:
    record: IdempotencyRecord

    def store(self, response: HttpResponseBase) -> None:
        """Call inside the transaction of the work, with the rendered response."""
        if response.status_code >= 500 or response.status_code in NOT_STORED:
            IdempotencyRecord.objects.filter(pk=self.record.pk).delete()
            return
        body = bytes(getattr(response, "content", b""))
        secret_fields = getattr(response, _SECRET_FIELDS, ())
        if secret_fields:
            body = _without_secrets(body, secret_fields)
        IdempotencyRecord.objects.filter(pk=self.record.pk).update(
            state=IdempotencyState.DONE,
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            headers={h: response[h] for h in _COPIED_HEADERS if response.has_header(h)},
            body=body,
        )

    def release(self) -> None:
        IdempotencyRecord.objects.filter(pk=self.record.pk).delete()


def _fingerprint(request: Request) -> str:
    """The request's identity: method, path and body. A multipart body is taken by its parts
    (fields, then each file's name and bytes, streamed): its boundary differs on every retry,
    and a large upload is never read into memory whole."""
    digest = hashlib.sha256()
    media_type = (request.content_type or "").split(";")[0].strip().lower()
    for part in (request.method or "", request.get_full_path(), media_type):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if media_type != "multipart/form-data":
        digest.update(request._request.body)
        return digest.hexdigest()
    fields = request.POST
    for name in sorted(fields.keys()):
        for value in fields.getlist(name):
            digest.update(f"{name}={value}".encode("utf-8", "surrogateescape") + b"\0")
    for name in sorted(request.FILES.keys()):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}:{upload.name}".encode("utf-8", "surrogateescape") + b"\0")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _lease() -> timedelta:
    return timedelta(seconds=settings.API_IDEMPOTENCY_LEASE_SECONDS)


def idempotency_claim(
    request: Request, *, caller_key: str, now: datetime
) -> Claim | HttpResponseBase | None:
    """None without a key; a Claim to run the request under; or the answer to send instead."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > 255 or not key.isprintable():
        return problem(
            400,
            _("The Idempotency-Key must be 1 to 255 printable characters."),
            code="idempotency_key_invalid",
        )
    fingerprint = _fingerprint(request)
    for _attempt in range(3):
        record = _claim_insert(
            IdempotencyRecord(
                caller_key=caller_key,
                key=key,
                fingerprint=fingerprint,
                state=IdempotencyState.IN_FLIGHT,
                locked_until=now + _lease(),
                created_at=now,
            )
        )
        if record is not None:
            return Claim(record)
        answer = _existing(caller_key, key, fingerprint, now)
        if answer is not None:
            return answer
    return _in_flight()


def _claim_insert(record: IdempotencyRecord) -> IdempotencyRecord | None:
    """The record inserted and committed, or None when the key is taken (the unique constraint
    decides). The claim only has to be seen by concurrent requests, not to outlive a crash of
    the database: on PostgreSQL, outside a transaction, it is one round trip that commits
    without waiting for the disk (`SET LOCAL` holds for that statement's implicit transaction
    only). The work's own commit flushes the log up to itself, the claim with it; a crash
    before that loses at most a claim whose work never committed, as a dead process does."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _claim_insert_at_once(record)
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except IntegrityError:
        return None
    return record


def _claim_insert_at_once(record: IdempotencyRecord) -> IdempotencyRecord | None:
    meta = IdempotencyRecord._meta
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(str(field.column)) for field in fields)
    # The unique constraint's columns (caller_key, key): plain fields, named as their columns.
    sql = (
        "SET LOCAL synchronous_commit TO OFF; "
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT (caller_key, key) DO NOTHING RETURNING {quote(str(meta.pk.column))}"
    )
    params = [
        field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields
    ]
    with statements_cursor() as cursor:
        cursor.execute(sql, params)
        cursor.nextset()
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk = row[0]
    record._state.adding = False
    return record


def _existing(
    caller_key: str, key: str, fingerprint: str, now: datetime
) -> Claim | HttpResponseBase | None:
    """The answer for a key already seen; None when the old record was cleared (try again)."""
    record = IdempotencyRecord.objects.filter(caller_key=caller_key, key=key).first()
    if record is None:
        return None
    if record.created_at <= now - KEEP:
        IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
        return None
    if record.fingerprint != fingerprint:
        return problem(
            422,
            _("This Idempotency-Key was used for another request; use a new key."),
            code="idempotency_key_reused",
        )
    if record.state == IdempotencyState.DONE:
        return _replay(record)
    if record.locked_until > now:
        return _in_flight()
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyState.IN_FLIGHT, locked_until=record.locked_until
    ).update(locked_until=now + _lease())
    return Claim(record) if taken else _in_flight()


def _in_flight() -> HttpResponseBase:
    return problem(
        409,
        _("A request with this Idempotency-Key is still being processed; try again shortly."),
        code="idempotency_in_flight",
        headers={"Retry-After": "1"},
    )


def _replay(record: IdempotencyRecord) -> HttpResponseBase:
    response = HttpResponse(
        bytes(record.body), status=record.status_code or 200, content_type=record.content_type
    )
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_purge(*, now: datetime) -> int:
    """Forget keys older than 24 hours (a beat task)."""
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lte=now - KEEP).delete()
    return deleted
