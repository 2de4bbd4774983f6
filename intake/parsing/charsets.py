"""Bytes to text as the sender wrote it (issue #10 §1b). No database here.

The declared charset first, mapped to the codec real mailers mean by it (a superset or an alias
Python does not know); where it fails or is absent UTF-8, then Windows-1252, then Latin-1 (which
always succeeds, so nothing becomes U+FFFD). Headers get the same chain: RFC 2047 encoded words
in any charset Python knows, and raw 8-bit bytes recovered from the parser's surrogate escapes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re

# What mailers write -> the codec that reads it (supersets where the label is too narrow).
ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "logical": "iso-8859-8",
    "visual": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "x-windows-874": "cp874",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "iso-8859-9": "cp1254",
    "tis620": "cp874",
    "ansi_x3.4-1968": "ascii",
    "us": "ascii",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
# Labels that say nothing about the bytes: straight to the fallback chain.
UNKNOWN = {
    "",
    "x-unknown",
    "unknown",
    "unknown-8bit",
    "x-user-defined",
    "default",
    "charset",
    "none",
    "8bit",
    "7bit",
    "binary",
    "x-binaryenc",
    "x-unknown-8bit",
}
# Single-byte Western labels that are often put on UTF-8 text by mistake.
WESTERN = {"ascii", "cp1252", "iso8859-15", "latin_1", "cp1254"}
FALLBACK = ("utf-8", "cp1252", "latin-1")


def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None (unknown: use the fallback)."""
    name = (label or "").strip().strip("\"'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix (utf-8*en)
    if name in UNKNOWN or len(name) > 40:
        return None
    name = ALIASES.get(name, name)
    for candidate in (name, name.removeprefix("x-"), name.replace("_", "-")):
        try:
            found = codecs.lookup(candidate).name
        except (LookupError, ValueError, TypeError):
            continue
        if found in ("rot-13", "base64", "hex", "zlib", "bz2", "quopri", "uu"):
            return None  # bytes-to-bytes codecs are no charsets
        return ALIASES.get(found, found)
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: the declared charset, else (or on failure) UTF-8, Windows-1252, Latin-1."""
    codec = codec_for(declared)
    if codec is None or codec in WESTERN:
        if data.isascii():
            return data.decode("ascii")
        # UTF-8 labelled as ASCII/Latin is common; genuine Latin text is almost never valid UTF-8.
        order = ("utf-8", codec or "cp1252", "cp1252", "latin-1")
    else:
        order = (codec, *FALLBACK)
    for name in order:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError, ValueError, TypeError):
            continue
    if codec is not None and codec not in WESTERN:
        # A multi-byte text with a few bad sequences: its own charset reads the rest.
        text = data.decode(codec, "replace")
        if text.count("\ufffd") * 50 <= len(text):
            return text
    return data.decode("latin-1")


_LATIN_LOOKING = re.compile(r"[\u00c0-\u00ff]{3,}")


def decode_raw_header(data: bytes) -> str:
    """Undeclared 8-bit header bytes: UTF-8, else Windows-1252, except that text in which the
    non-ASCII words are made only of accented capitals and small letters (no ASCII letter in
    them, as no Western language writes) reads as Windows-1251 (Cyrillic, the usual case)."""
    if data.isascii():
        return data.decode("ascii")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    western = decode_bytes(data, "cp1252")
    words = [w for w in western.split() if not w.isascii()]
    foreign = [w for w in words if _LATIN_LOOKING.search(w) and not re.search("[A-Za-z]", w)]
    if words and len(foreign) * 10 >= len(words) * 6:
        try:
            return data.decode("cp1251")
        except UnicodeDecodeError:
            pass
    return western


def surrogate_bytes(value: str) -> bytes:
    """The original bytes of a header the parser decoded as ASCII with surrogate escapes."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


_ENCODED_WORD = re.compile(rb"=\?([^?\s]{1,60})\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(rb"[ \t\r\n]*")
MAX_WORDS = 500  # a bound on work for a header of thousands of encoded words


def _word_bytes(kind: bytes, payload: bytes) -> bytes:
    if kind in (b"b", b"B"):
        payload = re.sub(rb"[^A-Za-z0-9+/]", b"", payload)
        payload += b"=" * (-len(payload) % 4)
        try:
            return base64.b64decode(payload)
        except (binascii.Error, ValueError):
            return base64.b64decode(payload[: len(payload) // 4 * 4 - 4] or b"")
    return quopri.decodestring(payload.replace(b"_", b" "), header=True)


def decode_header_bytes(data: bytes) -> str:
    """A header value (unfolded bytes) as text: encoded words in their charset (adjacent words
    of one charset joined before decoding, so a character split over two words survives), the
    rest as 8-bit text through the fallback chain."""
    data = re.sub(rb"\r?\n(?=[ \t])", b"", data)
    out: list[str] = []
    position = 0
    pending_charset: bytes | None = None
    pending: list[bytes] = []

    def flush() -> None:
        nonlocal pending_charset
        if pending:
            out.append(decode_bytes(b"".join(pending), (pending_charset or b"").decode("latin-1")))
            pending.clear()
        pending_charset = None

    for count, word in enumerate(_ENCODED_WORD.finditer(data)):
        if count >= MAX_WORDS:
            break
        gap = data[position : word.start()]
        if not (pending and _BETWEEN_WORDS.fullmatch(gap)):
            flush()
            if gap:
                out.append(decode_raw_header(gap))
        charset = word.group(1).split(b"*", 1)[0].lower()
        if pending and charset != pending_charset:
            flush()
        pending_charset = charset
        try:
            pending.append(_word_bytes(word.group(2), word.group(3)))
        except (binascii.Error, ValueError):
            pending.append(word.group(0))
        position = word.end()
    flush()
    if position < len(data):
        out.append(decode_raw_header(data[position:]))
    return "".join(out)
