"""The body of one message (issue #4 §2, issue #10 §1, §1b): the MIME walk and the text
shown. Texts are decoded as the sender wrote them (`charsets`), markup shown as text (`render`),
one alternative of a `multipart/alternative` shown, a broken multipart's boundary recovered, the
text shortened for display with a note, and what is not shown noted. No database here."""

from __future__ import annotations

import re
from email.message import Message

import nh3
from django.utils.translation import gettext

from contracts.text import display_text
from intake.parsing.attachments import _Attachments
from intake.parsing.bounds import MessageRejected
from intake.parsing.charsets import decode_bytes, surrogate_bytes
from intake.parsing.headers import _parser
from intake.parsing.parts import (
    CALENDAR,
    HTML,
    OTHER,
    PLAIN,
    _boundary,
    _embedded_start,
    _is_mail_file,
    _is_named,
    _Out,
    _starts_with_mime_headers,
    _without_boundary,
)
from intake.parsing.render import (
    calendar_summary,
    enriched_to_text,
    html_to_text,
    richtext_to_text,
)
from intake.parsing.result import MAX_DEFECTS

_BOILERPLATE = re.compile(
    r"(?im)^.*\b(mime[- ](format|encapsulated)|multi-?part message|"
    r"(reader|client|program|software) (does not|doesn't|cannot) (support|understand|read))\b.*$"
)
_SHOWN_NAMED = {"text/plain", "text/html", "text/enriched", "text/richtext", "text/markdown"}
_NOT_SHOWN = {"text/rfc822-headers", "text/x-vcard", "text/vcard", "text/directory"}
_MARKUP = {"text/xml", "application/xhtml+xml", "text/sgml"}


class _Body(_Attachments):
    """The MIME walk of one message, and the text and HTML it shows."""

    # entry
    def collect(self, message: Message) -> None:
        out = _Out()
        self.walk(message, 0, out, "message")
        text = out.text() or "\n\n".join(t for t in self.named_texts if t.strip())
        text = display_text(text).strip()
        notes = self._notes(text)
        if len(text) > self.limits.max_text_chars:
            self.parsed.defects.append(f"text of {len(text)} characters shortened")
            notes.insert(
                0,
                gettext(
                    "The text is shortened: the first %(shown)s of %(total)s characters are "
                    "shown. The whole message is kept."
                )
                % {"shown": self.limits.max_text_chars, "total": len(text)},
            )
            text = text[: self.limits.max_text_chars].rstrip() + "\u2026"
        self.parsed.text = "\n\n".join([text, *(f"[{note}]" for note in notes)]).strip()
        markup = "\n".join(out.html)[: self.limits.max_text_chars * 4]
        self.parsed.html = display_text(nh3.clean(markup)) if markup.strip() else ""
        del self.parsed.defects[MAX_DEFECTS:]

    def _notes(self, text: str) -> list[str]:
        """Display notes (in the active language) on what is not shown; the raw keeps it."""
        notes = []
        limit = self.limits
        if self.over_parts:
            self.parsed.defects.append(
                f"parts over the bound of {limit.max_parts}: {self.over_parts}"
            )
            notes.append(
                gettext(
                    "Parts of this message not shown (over the limit of %(limit)s parts): "
                    "%(count)s. The whole message is kept."
                )
                % {"count": self.over_parts, "limit": limit.max_parts}
            )
        if self.too_deep:
            self.parsed.defects.append(
                f"parts nested deeper than {limit.max_depth}: {self.too_deep}"
            )
            notes.append(
                gettext(
                    "Parts of this message not shown (nested deeper than %(limit)s levels): "
                    "%(count)s. The whole message is kept."
                )
                % {"count": self.too_deep, "limit": limit.max_depth}
            )
        if self.parsed.skipped_attachments:
            self.parsed.defects += [f"not kept: {s}" for s in self.parsed.skipped_attachments]
            notes.append(
                gettext(
                    "Attachments not kept (over the limit of %(limit)s attachments or %(size)s "
                    "bytes each): %(count)s. The whole message is kept."
                )
                % {
                    "count": len(self.parsed.skipped_attachments),
                    "limit": limit.max_attachments,
                    "size": limit.max_attachment_bytes,
                }
            )
        return notes

    # the tree
    def walk(self, part: Message, depth: int, out: _Out, path: str) -> None:
        self._defects(part, path)
        if depth > self.limits.max_depth:
            self.too_deep += 1
            return
        try:
            content_type = part.get_content_type()
        except Exception:
            content_type = "text/plain"
        try:
            if content_type in ("message/rfc822", "message/global"):
                self._forwarded_part(part, depth, out, path)
            elif part.is_multipart():
                self._multipart(part, content_type, depth, out, path)
            elif content_type.startswith("multipart/"):
                self._broken_multipart(part, depth, out, path)
            else:
                self._leaf(part, content_type, depth, out, path)
        except MessageRejected:
            raise
        except Exception as exc:  # one unreadable part never costs the others
            self.parsed.defects.append(f"unreadable part {path}: {type(exc).__name__}")

    def _multipart(
        self, part: Message, content_type: str, depth: int, out: _Out, path: str
    ) -> None:
        children = self._children(part)
        mine = _Out()
        if content_type == "multipart/alternative":
            self._alternative(children, depth, mine, path)
        else:
            for index, child in enumerate(children, start=1):
                self.walk(child, depth + 1, mine, f"{path}.{index}")
        boundary = _boundary(part)
        if boundary:  # a boundary line left in a text when the closing one was broken
            mine.pieces = [(kind, _without_boundary(text, boundary)) for kind, text in mine.pieces]
        if not mine.has(PLAIN, HTML, OTHER):
            # No readable text part: the text may sit in the preamble (or after the end).
            for extra in (part.preamble, part.epilogue):
                text = _BOILERPLATE.sub("", extra or "")
                if text.strip():
                    mine.pieces.append((PLAIN, decode_bytes(surrogate_bytes(text))))
        out.extend(mine)

    def _alternative(self, children: list[Message], depth: int, out: _Out, path: str) -> None:
        """One alternative: the first with plain text, else the richest (last) with any text;
        a calendar alternative adds its summary."""
        options: list[_Out] = []
        for index, child in enumerate(children, start=1):
            option = _Out()
            self.walk(child, depth + 1, option, f"{path}.{index}")
            options.append(option)
        chosen = next((o for o in options if o.has(PLAIN)), None)
        chosen = chosen or next((o for o in reversed(options) if o.has(HTML, OTHER)), None)
        if chosen is not None:
            out.pieces += [(k, t) for k, t in chosen.pieces if k != CALENDAR]
        # The HTML rendition (for the sanitised view): the chosen one's, else the richest.
        with_html = [o for o in options if o.html]
        if with_html:
            out.html += chosen.html if chosen is not None and chosen.html else with_html[-1].html
        summaries = {t for o in options for k, t in o.pieces if k == CALENDAR and t.strip()}
        out.pieces += [(CALENDAR, t) for t in sorted(summaries)]

    def _broken_multipart(self, part: Message, depth: int, out: _Out, path: str) -> None:
        """A multipart whose boundary was not found: find the boundary its lines use, else show
        the content as text."""
        body = self._payload_bytes(part)
        found = re.search(rb"(?m)^--([^\s]{1,70}?)(--)?\r?$", body)
        if found and depth < self.limits.max_depth:
            boundary = found.group(1).replace(b'"', b"")
            wrapper = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
            reparsed = _parser().parsebytes(wrapper + body)
            if reparsed.is_multipart() and self._children(reparsed):
                self.parsed.defects.append(f"boundary of part {path} recovered")
                for index, child in enumerate(self._children(reparsed), start=1):
                    self.walk(child, depth + 1, out, f"{path}.{index}")
                return
        text = _BOILERPLATE.sub("", decode_bytes(body, self._charset(part)))
        out.pieces.append((PLAIN, text))

    def _leaf(self, part: Message, content_type: str, depth: int, out: _Out, path: str) -> None:
        self.leaves += 1
        if self.leaves > self.limits.max_parts:
            self.over_parts += 1
            return
        named = _is_named(part)
        if content_type in ("text/calendar", "application/ics"):
            summary = calendar_summary(self._text(part))
            out.pieces.append((CALENDAR, summary))
            if named or not summary:
                self._attachment(part, content_type)
            return
        if _is_mail_file(part, content_type):
            self._forwarded_bytes(self._payload_bytes(part), part, depth, out, path)
            return
        if depth == 0 and not named and self._entity_in_body(part, out, path):
            return
        if content_type.startswith("text/") and not named and content_type not in _NOT_SHOWN:
            self._show(part, content_type, out, depth)
            return
        if content_type in _SHOWN_NAMED:
            shown = _Out()
            self._show(part, content_type, shown, depth)
            self.named_texts.append(shown.text() or "\n\n".join(t for _, t in shown.pieces))
        self._attachment(part, content_type)

    def _entity_in_body(self, part: Message, out: _Out, path: str) -> bool:
        """A message without MIME headers whose body starts with them (a blank line too many
        after the headers): the body is read as the MIME entity it is."""
        if part.get("Content-Type") is not None:
            return False
        body = self._payload_bytes(part).lstrip(b"\r\n")
        if not _starts_with_mime_headers(body):
            return False
        inner = _parser().parsebytes(body)
        if inner.get("Content-Type") is None:
            return False
        self.parsed.defects.append("MIME headers found in the body")
        self.leaves -= 1  # the inner entity's parts are counted instead
        self.walk(inner, 1, out, f"{path}.body")
        return True

    def _show(self, part: Message, content_type: str, out: _Out, depth: int) -> None:
        text = self._text(part)
        if content_type == "text/html" or content_type in _MARKUP:
            if content_type == "text/html":
                out.html.append(text)
            out.pieces.append((HTML, html_to_text(text)))
        elif content_type == "text/enriched":
            out.pieces.append((OTHER, enriched_to_text(text)))
        elif content_type == "text/richtext":
            out.pieces.append((OTHER, richtext_to_text(text)))
        else:
            out.pieces.append((PLAIN, self._embedded(text, depth)))

    def _embedded(self, text: str, depth: int) -> str:
        """A plain text that carries a mail inline from a header block on (a bounce's "original
        message follows", a forward pasted as text): that mail summarised, not its raw MIME."""
        start = _embedded_start(text)
        if start < 0 or depth >= self.limits.max_depth:
            return text
        inner = _parser().parsebytes(text[start:].encode("utf-8", "surrogateescape"))
        self.parsed.defects.append("a mail inline in a text part summarised")
        return text[:start] + self._summary(inner, depth + 1, "inline")
