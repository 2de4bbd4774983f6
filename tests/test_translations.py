"""Dutch is the default language and English is available (D16)."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import override

from contracts.models import ContactRoleKind, Customer
from tickets.models import Status, Ticket

PO_PATH = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[sdif]|\{[^}]*\}")


def _po_entries(path: Path) -> list[tuple[str, str, set[str]]]:
    """(msgid, msgstr, flags) for every entry of a .po file, header included."""
    entries: list[tuple[str, str, set[str]]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags: set[str] = set()
        parts: dict[str, list[str]] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith(("msgid ", "msgstr ")):
                current, _, rest = line.partition(" ")
                parts[current] = [rest]
            elif line.startswith('"') and current is not None:
                parts[current].append(line)
            elif line.startswith("msg"):
                pytest.fail(f"unexpected .po keyword (plural/context?): {line}")
        if "msgid" in parts:
            msgid, msgstr = (
                "".join(ast.literal_eval(s) for s in parts[k]) for k in ("msgid", "msgstr")
            )
            entries.append((msgid, msgstr, flags))
    return entries


def _translatable_sources() -> set[str]:
    """Source strings of the lazy labels of contracts and tickets: models, choices, admin."""
    found: list[object] = []
    for label in ("contracts", "tickets"):
        for model in apps.get_app_config(label).get_models():
            # An unset verbose_name_plural is Django's own format_lazy("{}s"), not a message.
            found += [
                model._meta.original_attrs.get(key)
                for key in ("verbose_name", "verbose_name_plural")
            ]
            for field in model._meta.get_fields():
                found += [getattr(field, "verbose_name", None), getattr(field, "help_text", None)]
                found += [choice_label for _, choice_label in getattr(field, "flatchoices", [])]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("contracts", "tickets"):
            for name in model_admin.list_display:
                attr = getattr(model_admin, name, None) if isinstance(name, str) else name
                found.append(getattr(attr, "short_description", None))
    with override(None):
        return {str(item) for item in found if isinstance(item, Promise)}


def test_po_file_is_fully_translated() -> None:
    entries = _po_entries(PO_PATH)
    messages = [(msgid, msgstr, flags) for msgid, msgstr, flags in entries if msgid]
    assert len(messages) > 100
    assert not [msgid for msgid, msgstr, _ in messages if not msgstr.strip()]
    assert not [msgid or "<header>" for msgid, _, flags in entries if "fuzzy" in flags]


def test_po_file_keeps_placeholders() -> None:
    for msgid, msgstr, _ in _po_entries(PO_PATH):
        if msgid:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_compiled_catalogue_matches_the_po_file() -> None:
    """The committed django.mo was compiled from the current django.po."""
    with PO_PATH.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    for msgid, msgstr, _ in _po_entries(PO_PATH):
        if msgid:
            assert catalogue.gettext(msgid) == msgstr, msgid


def test_every_lazy_label_is_in_the_catalogue() -> None:
    msgids = {msgid for msgid, _, _ in _po_entries(PO_PATH)}
    sources = _translatable_sources()
    assert "waiting for customer" in sources
    assert sorted(sources - msgids) == []


def test_settings_default_to_dutch() -> None:
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["wacht op klant", "benoemde contactpersoon", "tickets", "klanten"]),
        ("en", ["waiting for customer", "named reactive contact", "tickets", "customers"]),
    ],
)
def test_labels_follow_the_active_language(language: str, expected: list[str]) -> None:
    with override(language):
        labels = [
            str(Status.WAITING_FOR_CUSTOMER.label),
            str(ContactRoleKind.NAMED_CONTACT.label),
            str(Ticket._meta.verbose_name_plural),
            str(Customer._meta.verbose_name_plural),
        ]
    assert labels == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "present", "absent"),
    [
        ("nl", ["Klanten", "Tickets", "Contactpersonen"], ["Customers", "Contacts"]),
        ("en", ["Customers", "Tickets", "Contacts"], ["Klanten", "Contactpersonen"]),
    ],
)
def test_admin_index_follows_accept_language(
    admin_client, accept_language: str, present: list[str], absent: list[str]
) -> None:
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    assert response["Content-Language"] == accept_language
    html = response.content.decode()
    for text in present:
        assert f">{text}<" in html
    for text in absent:
        assert f">{text}<" not in html


@pytest.mark.django_db
def test_admin_defaults_to_dutch_without_accept_language(admin_client) -> None:
    response = admin_client.get("/admin/")
    assert response["Content-Language"] == "nl"
    assert ">Klanten<" in response.content.decode()
