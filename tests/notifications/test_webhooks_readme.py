"""The README's webhook verification example verifies what the desk sends."""

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import time_machine
from django.conf import settings

from notifications.services.webhooks.signing import (
    webhook_secret_generate,
    webhook_signature_header,
)

SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_HEADERS = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}
SPEC_BODY = b'{"test": 2432232314}'
SPEC_TIME = datetime.fromtimestamp(1614265330, UTC)


def _readme_verify() -> Any:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    namespace: dict[str, Any] = {}
    exec(block.group(1), namespace)  # our own README's example
    return namespace["verify"]


@time_machine.travel(SPEC_TIME, tick=False)
def test_the_readme_example_verifies_the_published_vector():
    assert _readme_verify()(SPEC_SECRET, SPEC_HEADERS, SPEC_BODY)


@time_machine.travel(SPEC_TIME, tick=False)
def test_the_readme_example_refuses_a_tampered_body():
    assert not _readme_verify()(SPEC_SECRET, SPEC_HEADERS, SPEC_BODY.replace(b"4}", b"5}"))


@time_machine.travel(SPEC_TIME, tick=False)
def test_the_readme_example_accepts_either_secret_during_a_rotation():
    old, new = webhook_secret_generate(), webhook_secret_generate()
    headers = dict(SPEC_HEADERS)
    headers["webhook-signature"] = webhook_signature_header(
        [new, old], headers["webhook-id"], 1614265330, SPEC_BODY
    )
    verify = _readme_verify()
    assert verify(old, headers, SPEC_BODY)
    assert verify(new, headers, SPEC_BODY)
    assert not verify(webhook_secret_generate(), headers, SPEC_BODY)
