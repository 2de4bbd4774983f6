"""Attachments and raw mail on S3-compatible object storage in the drill: moto's server on
loopback as the store, one bucket, every process configured for it (OBJECT_STORAGE_*, so the
intake writes each raw message to the bucket before its row). Each portal ticket of the drill
carries a small attachment; after the run every attachment row of the run must have its object
in the bucket, and every stored mail's raw message too (a missing one fails the drill; the
mail markers are counted from the objects, collect.marker_counts). Objects without a row are counted
apart: a request cut between the upload and the commit leaves one, which
`stored_files_orphans` finds in production."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ops.drill.procs import Proc, Supervisor, port_answers

BUCKET = "drill-files"
KEYS = {"access": "drill", "secret": "drill-secret", "region": "us-east-1"}
RAW_SQL = "SELECT raw_file FROM intake_inboundmessage WHERE raw_file <> ''"
ROW_SQL = (
    "SELECT a.file FROM intake_inboundattachment a JOIN tickets_ticket t ON t.id = a.ticket_id "
    "WHERE t.subject LIKE %s"
)


def object_env(port: int) -> dict[str, str]:
    return {
        "OBJECT_STORAGE_BUCKET": BUCKET,
        "OBJECT_STORAGE_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "OBJECT_STORAGE_ACCESS_KEY": KEYS["access"],
        "OBJECT_STORAGE_SECRET_KEY": KEYS["secret"],
        "OBJECT_STORAGE_REGION": KEYS["region"],
    }


def _client(port: int) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id=KEYS["access"],
        aws_secret_access_key=KEYS["secret"],
        region_name=KEYS["region"],
    )


def store_start(sup: Supervisor, port: int, moto: Path, env: dict[str, str], log: Path) -> None:
    """moto's server (its objects in memory: it is not killed during the drill), and the bucket."""
    argv = [str(moto), "-H", "127.0.0.1", "-p", str(port)]
    sup.add(Proc("objects", argv, env, log, functools.partial(port_answers, port)))
    _client(port).create_bucket(Bucket=BUCKET)


def object_reader(port: int) -> Callable[[str], bytes]:
    client = _client(port)

    def read(key: str) -> bytes:
        return bytes(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())

    return read


def bucket_keys(port: int) -> list[str]:
    pages = _client(port).get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def objects_check(
    rows: list[str], raw_rows: list[str], keys: list[str], portal_accepted: int
) -> dict[str, Any]:
    """Every attachment row's object in the bucket, as many rows as accepted portal tickets;
    every raw mail a row names in the bucket."""
    present = set(keys)
    missing = [name for name in rows if name not in present]
    raw_missing = [name for name in raw_rows if name not in present]
    return {
        "rows": len(rows),
        "portal_tickets_accepted": portal_accepted,
        "raw_mail_rows": len(raw_rows),
        "objects": len(keys),
        "missing": missing,
        "raw_mail_missing": raw_missing,
        "without_row": len(present - set(rows) - set(raw_rows)),
        "ok": not missing and not raw_missing and len(rows) == portal_accepted,
    }
