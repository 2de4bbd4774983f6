"""The drill's hand-written SVG chart (ops.drill.chart)."""

import xml.etree.ElementTree as ET

from ops.drill.chart import HEIGHT, MARGIN, WIDTH, Series, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_the_chart_is_svg_with_a_line_per_series_and_a_shaded_kill_window() -> None:
    svg = line_chart(
        "Lag <&>",
        [Series("lag", [(0.0, 0.0), (10.0, 5.0)]), Series("backlog", [(0.0, 2.0), (10.0, 0.0)])],
        [(2.0, 4.0, "web1")],
    )
    root = ET.fromstring(svg)
    lines = root.findall(f"{SVG}polyline")
    rect = root.find(f"{SVG}rect")

    assert len(lines) == 2
    assert rect is not None
    assert rect.find(f"{SVG}title").text == "web1"
    assert lines[0].get("points") == f"{MARGIN}.0,{HEIGHT - MARGIN}.0 {WIDTH - MARGIN}.0,{MARGIN}.0"


def test_a_chart_without_points_is_still_valid_svg() -> None:
    assert ET.fromstring(line_chart("empty", [Series("none", [])])).tag == f"{SVG}svg"
