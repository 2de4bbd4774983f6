"""Markup to readable text (issue #10 §1b): HTML, text/enriched, text/richtext, calendar
invitations. No database here."""

from __future__ import annotations

import html
import re

import nh3
from django.utils.translation import gettext


def html_to_text(markup: str) -> str:
    breaks = r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>|</table>|</blockquote>"
    markup = re.sub(r"(?i)</td>|</th>", " ", re.sub(breaks, "\n", markup))
    text = nh3.clean(markup, tags=set())
    lines = [line.strip() for line in html.unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def enriched_to_text(markup: str) -> str:
    """RFC 1896 text/enriched: formatting commands and their parameters dropped, `<<` is `<`,
    a single line break is a space and n line breaks are n-1."""
    markup = re.sub(r"(?is)<param>.*?</param>", "", markup.replace("\r\n", "\n"))
    markup = re.sub(r"(?<!<)</?[A-Za-z0-9-]{1,60}>", "", markup)
    markup = re.sub(r"\n(\n*)", lambda found: found.group(1) or " ", markup)
    return markup.replace("<<", "<").strip()


def richtext_to_text(markup: str) -> str:
    """RFC 1341 text/richtext: line breaks are spaces, `<nl>` breaks a line, `<lt>` is `<`."""
    markup = re.sub(r"\s*\n\s*", " ", markup.replace("\r\n", "\n"))
    markup = re.sub(r"(?i)<nl>", "\n", markup)
    markup = re.sub(r"(?i)<np>", "\n\n", markup)
    markup = re.sub(r"(?i)<comment>.*?</comment>", "", markup)
    markup = re.sub(r"(?i)</?(?!lt>)[A-Za-z0-9-]{1,60}>", "", markup)
    return re.sub(r"(?i)<lt>", "<", markup).strip()


# --- Calendar invitations (RFC 5545, the few properties a person reads) --------------------------
_ESCAPES = {"\\n": "\n", "\\N": "\n", "\\,": ",", "\\;": ";", "\\\\": "\\"}


def _unescape(value: str) -> str:
    return re.sub(r"\\[nN,;\\]", lambda found: _ESCAPES[found.group(0)], value).strip()


def _property(line: str) -> tuple[str, dict[str, str], str]:
    """`NAME;PARAM=x;PARAM="y":value` -> (NAME, params, value); quoted colons stay in params."""
    head, value, in_quotes = line, "", False
    for index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head, value = line[:index], line[index + 1 :]
            break
    name, *params = head.split(";")
    found = {}
    for param in params:
        key, _, val = param.partition("=")
        found[key.strip().upper()] = val.strip().strip('"')
    return name.strip().upper(), found, value


def _when(value: str, params: dict[str, str]) -> str:
    found = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z?))?", value.strip())
    if not found:
        return value.strip()
    year, month, day, hour, minute, _seconds, utc = found.groups()
    text = f"{year}-{month}-{day}"
    if hour is not None:
        text += f" {hour}:{minute}"
        zone = "UTC" if utc else params.get("TZID", "")
        text += f" ({zone})" if zone else ""
    return text


def calendar_summary(source: str) -> str:
    """What, when, where and who of the first event of an iCalendar text (not the raw text)."""
    unfolded = re.sub(r"\r?\n[ \t]", "", source)
    method, event, in_event, seen_event = "", {}, False, False
    for line in unfolded.splitlines()[:5000]:
        name, params, value = _property(line)
        if name == "METHOD":
            method = value.strip().upper()
        elif name == "BEGIN" and value.strip().upper() == "VEVENT" and not seen_event:
            in_event = seen_event = True
        elif name == "END" and value.strip().upper() == "VEVENT":
            in_event = False
        elif in_event and name in ("SUMMARY", "LOCATION", "DESCRIPTION") and name not in event:
            event[name] = _unescape(value)
        elif in_event and name in ("DTSTART", "DTEND") and name not in event:
            event[name] = _when(value, params)
        elif in_event and name == "ORGANIZER" and name not in event:
            address = re.sub(r"(?i)^mailto:", "", value.strip())
            common = params.get("CN", "")
            event[name] = f"{common} <{address}>" if common and address else common or address
    if not event:
        return ""
    title = gettext("Cancelled meeting") if method == "CANCEL" else gettext("Meeting invitation")
    when = event.get("DTSTART", "")
    if event.get("DTEND"):
        when = f"{when} - {event['DTEND']}" if when else event["DTEND"]
    rows = [
        (gettext("What"), event.get("SUMMARY", "")),
        (gettext("When"), when),
        (gettext("Where"), event.get("LOCATION", "")),
        (gettext("Organiser"), event.get("ORGANIZER", "")),
    ]
    lines = [f"[{title}]", *(f"{label}: {value}" for label, value in rows if value)]
    if event.get("DESCRIPTION"):
        lines += ["", event["DESCRIPTION"]]
    return "\n".join(lines)
