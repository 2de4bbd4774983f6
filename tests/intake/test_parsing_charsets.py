"""Issue #10 §1b: the text as the sender wrote it. The declared charset first, then UTF-8, then
Windows-1252/Latin-1; aliases and supersets mapped; raw 8-bit headers recovered; encoded words in
every charset the standard library knows. No U+FFFD where the bytes were decodable."""

from __future__ import annotations

import base64

import pytest

from intake.models import Outcome
from intake.parsing.charsets import codec_for, decode_bytes, decode_header_bytes
from tests.intake.conftest import Desk
from tests.intake.test_parsing_messages import mail, parse, receive

pytestmark = pytest.mark.django_db

DUTCH = "Één café, drie collega’s: “de scanner” geeft €-fout"


def encoded_word(text: str, charset: str, kind: str = "b") -> bytes:
    data = text.encode(charset.removesuffix("-i"))  # iso-8859-8-i is iso-8859-8 in Python
    if kind == "b":
        return b"=?%s?B?%s?=" % (charset.encode(), base64.b64encode(data))
    quoted = b"".join(
        bytes([c]) if chr(c).isalnum() else b"=%02X" % c for c in data
    )  # every non-alphanumeric byte quoted, so a space is never written bare
    return b"=?%s?Q?%s?=" % (charset.encode(), quoted)


@pytest.mark.parametrize(
    ("declared", "codec", "text"),
    [
        (b"", "utf-8", DUTCH),  # no charset at all, UTF-8 bytes
        (b"us-ascii", "utf-8", DUTCH),  # says ASCII, holds UTF-8
        (b"us-ascii", "cp1252", DUTCH),  # says ASCII, holds Windows-1252
        (b"iso-8859-1", "utf-8", DUTCH),  # says Latin-1, holds UTF-8
        (b"utf-8", "cp1252", DUTCH),  # says UTF-8, holds Windows-1252
        (b"x-unknown", "cp1252", DUTCH),
        (b"unknown-8bit", "utf-8", DUTCH),
        (b"x-user-defined", "cp1252", DUTCH),
        (b"gb2312", "gb18030", "打印机坏了，请尽快修复 — 𠀀"),  # a character only GB18030 has
        (b"gbk", "gb18030", "服务器无法启动"),
        (b"ks_c_5601-1987", "cp949", "프린터가 고장났습니다 똠방각하"),
        (b"iso-8859-8-i", "iso-8859-8", "המדפסת לא עובדת"),
        (b"windows-874", "cp874", "เครื่องพิมพ์เสีย"),
        (b"shift_jis", "cp932", "プリンターが故障しました①"),
        (b"koi8-r", "koi8-r", "Принтер не работает"),
        (b"iso-8859-15", "iso-8859-15", "Le coût est de 5 €"),
    ],
)
def test_body_text_is_decoded_as_the_sender_wrote_it(
    declared: bytes, codec: str, text: str
) -> None:
    content_type = b"text/plain; charset=" + declared if declared else b"text/plain"
    raw = mail(text.encode(codec) + b"\r\n", content_type=content_type)

    parsed = parse(raw)

    assert parsed.text == text
    assert "\ufffd" not in parsed.text


def test_raw_8bit_subject_and_from_in_utf8_are_readable(desk: Desk) -> None:
    raw = mail(
        b"Zie onderwerp.\r\n",
        subject="Storing kassa café «één filiaal»".encode(),
        sender="Anna de Vriës <anna@klant-a.example>".encode(),
    )

    inbound = receive(raw)

    # Who it is from is intake.identity's strict decision (raw 8-bit From: triage, flagged);
    # what is shown is readable either way.
    assert inbound.outcome in (Outcome.TICKET, Outcome.TRIAGE)
    assert inbound.subject == "Storing kassa café «één filiaal»"
    assert (inbound.sender_name, inbound.sender_email) == ("Anna de Vriës", "anna@klant-a.example")


def test_raw_8bit_latin1_subject_and_from_are_readable() -> None:
    raw = mail(
        b"x",
        subject="Offerte à 1.250 € – spoed".encode("cp1252"),
        sender="Jörg Müller <anna@klant-a.example>".encode("latin-1"),
    )

    parsed = parse(raw)

    assert (parsed.subject, parsed.sender_name) == ("Offerte à 1.250 € – spoed", "Jörg Müller")


def test_raw_8bit_cyrillic_subject_in_windows_1251_is_readable() -> None:
    raw = mail(b"x", subject="Принтер не печатает счета".encode("cp1251"))

    assert parse(raw).subject == "Принтер не печатает счета"


@pytest.mark.parametrize(
    ("charset", "kind", "text"),
    [
        ("utf-8", "q", DUTCH),
        ("iso-8859-1", "q", "Café crème"),
        ("windows-1252", "b", "“Spoed” – €"),
        ("koi8-r", "b", "Сервер недоступен"),
        ("iso-2022-jp", "b", "サーバーが停止しました"),
        ("big5", "b", "伺服器當機"),
        ("euc-kr", "b", "서버 다운"),
        ("gb2312", "b", "服务器宕机"),
        ("iso-8859-7", "q", "Ο διακομιστής"),
        ("windows-1256", "b", "الخادم معطل"),
        ("iso-8859-8-i", "b", "השרת נפל"),
    ],
)
def test_encoded_words_in_any_charset_python_knows(charset: str, kind: str, text: str) -> None:
    raw = mail(b"x", subject=encoded_word(text, charset, kind))

    assert parse(raw).subject == text


def test_a_character_split_over_two_encoded_words_survives() -> None:
    data = "Ticket für Jürgen".encode()
    cut = data.index("ü".encode()) + 1  # inside the two bytes of ü
    words = b"=?utf-8?B?%s?= =?utf-8?B?%s?=" % (
        base64.b64encode(data[:cut]),
        base64.b64encode(data[cut:]),
    )

    assert parse(mail(b"x", subject=words)).subject == "Ticket für Jürgen"


def test_an_encoded_word_with_a_wrong_charset_falls_back() -> None:
    mislabelled = b"=?us-ascii?Q?Caf=C3=A9_om_10=3A00?="  # UTF-8 bytes labelled ASCII
    unknown = b"=?x-klingon?B?%s?=" % base64.b64encode("Grüße".encode())

    assert parse(mail(b"x", subject=mislabelled + b" " + unknown)).subject == "Café om 10:00Grüße"


def test_an_encoded_display_name_never_becomes_the_address() -> None:
    forged = b"=?utf-8?Q?boss=40klant-a=2Eexample?= <mallory@phish.example>"

    parsed = parse(mail(b"x", sender=forged))

    assert (parsed.sender_name, parsed.sender_email) == (
        "boss@klant-a.example",
        "mallory@phish.example",
    )


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("ks_c_5601-1987", "cp949"),
        ("iso-8859-8-i", "iso8859-8"),
        ("windows-874", "cp874"),
        ("x-unknown", None),
        ("unknown-8bit", None),
        ("x-user-defined", None),
        ("utf-8*en", "utf-8"),
        ('"UTF-8"', "utf-8"),
        ("x-mac-roman", "mac-roman"),
        ("base64", None),  # a bytes codec is no charset
        ("no-such-charset", None),
    ],
)
def test_charset_labels_map_to_the_codec_mailers_mean(label: str, codec: str | None) -> None:
    assert codec_for(label) == codec


def test_undecodable_bytes_still_give_text_without_replacement_characters() -> None:
    noise = bytes(range(256))

    for declared in (None, "utf-8", "gb2312", "shift_jis", "x-unknown"):
        text = decode_bytes(noise, declared)
        assert "\ufffd" not in text
        assert len(text) >= 128


def test_header_decoding_keeps_ascii_text_between_encoded_words() -> None:
    value = b"Re: [SD-2026-000123] =?utf-8?q?Caf=C3=A9?= dicht"

    assert decode_header_bytes(value) == "Re: [SD-2026-000123] Café dicht"
