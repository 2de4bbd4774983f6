"""Rule references (TKT-.., D4, SPEC, §) are for the code's comments: nothing a customer or an
engineer reads shows one (issue #11 §5). Every msgid of the Dutch catalogue (the English text of
every translated string) and every template's text outside {# #} comments is scanned."""

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "nl" / "LC_MESSAGES" / "django.po"
TEMPLATES = BASE / "templates"
RULE_REFERENCE = re.compile(
    r"\b(?:TKT|CON|BIL|PTY|SLA|INT|A)-\d+|\bD\d{1,2}\b|\bSPEC\b|§",
)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def rule_references(text: str) -> list[str]:
    return [match.group(0) for match in RULE_REFERENCE.finditer(text)]


def catalogue_texts() -> list[str]:
    """Every msgid and msgstr of the catalogue (continued lines joined; obsolete `#~` skipped)."""
    texts: list[str] = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            texts.append(line[line.index('"') :].strip()[1:-1])
        elif line.startswith('"') and texts:
            texts[-1] += line.strip()[1:-1]
    return texts


def catalogue_findings() -> list[str]:
    return [f"{text!r}: {found}" for text in catalogue_texts() if (found := rule_references(text))]


def template_findings() -> list[str]:
    findings = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".csv", ".eml"):
            text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
            if found := rule_references(text):
                findings.append(f"{path.relative_to(BASE)}: {found}")
    return findings


def test_no_translated_string_shows_a_rule_reference():
    assert len(catalogue_texts()) > 1000  # the catalogue was read
    assert catalogue_findings() == []


def test_no_template_shows_a_rule_reference():
    assert template_findings() == []


@pytest.mark.parametrize(
    "text",
    ["See TKT-21.", "(D4)", "per SPEC", "§3.2", "rule A-08", "CON-20 applies", "D13 says"],
)
def test_the_scan_recognises_every_kind_of_rule_reference(text):
    assert rule_references(text)


@pytest.mark.parametrize(
    "text",
    ["SD-2026-0001", "SLA target", "D-day", "DD-MM", "specification", "Sev A", "H2O"],
)
def test_the_scan_leaves_ordinary_text_alone(text):
    assert rule_references(text) == []


def test_template_comments_are_not_scanned():
    text = "{# SPEC TKT-21 #}<p>Hello</p>{% comment %}D4{% endcomment %}"

    assert rule_references(TEMPLATE_COMMENT.sub("", text)) == []
