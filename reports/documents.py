"""The three renderings of a review pack from its JSON (issue #15 §2): the page's body, the PDF
(WeasyPrint, from the very templates and charts of the page: A4, the provider and the period on
every page through CSS margin boxes) and the CSV (reports.tables). Each is written in the pack's
own language, whatever the reader's: a stored pack reads as it was sent."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.translation import override

from reports.charts import pack_charts
from reports.tables import pack_csv, pack_facts, pack_tables

Pack = dict[str, Any]


def pack_language(pack: Pack) -> str:
    return str(pack.get("language") or settings.LANGUAGE_CODE)


def pack_context(pack: Pack) -> dict[str, Any]:
    """What templates/reports/_pack_body.html needs: the facts, and per table its chart."""
    with override(pack_language(pack)):
        charts = pack_charts(pack)
        return {
            "pack": pack,
            "facts": pack_facts(pack),
            "sections": [(table, charts.get(table.key)) for table in pack_tables(pack)],
        }


def pack_html(pack: Pack) -> str:
    """The PDF's HTML document."""
    with override(pack_language(pack)):
        return render_to_string("reports/pack_pdf.html", pack_context(pack))


def pack_pdf(pack: Pack) -> bytes:
    from weasyprint import CSS, HTML  # imported when needed: it loads fonts and Pango

    css = render_to_string("reports/pack_print.css")
    document = HTML(string=pack_html(pack), base_url=str(settings.BASE_DIR))
    return bytes(document.write_pdf(stylesheets=[CSS(string=css)]))


def pack_csv_text(pack: Pack) -> str:
    with override(pack_language(pack)):
        return pack_csv(pack)


def pack_json_text(pack: Pack) -> str:
    return json.dumps(pack, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def pack_filename(pack: Pack, extension: str) -> str:
    """review-pack-<contract>-<period>-<language>.<extension>, safe in a header."""
    reference = "".join(
        c if c.isalnum() or c in "-_" else "-" for c in pack["contract"]["reference"]
    )
    period = pack["period"]["text"].replace("..", "_")
    return f"review-pack-{reference}-{period}-{pack_language(pack)}.{extension}"
