"""The SVG charts of integrity/reports/charts.py: well-formed SVG that screen readers can name,
bars proportional to their values, links and tooltips on every bar, segment and point, long
Chinese labels shortened with the whole name kept in the tooltip, and axis labels that never
overlap."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from integrity.reports.charts import (
    FONT,
    LABEL_MAX,
    Bar,
    Point,
    StackRow,
    bar_chart,
    fit,
    line_chart,
    stacked_bar_chart,
    text_width,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
LONG = "新疆维吾尔自治区高级人民法院生产建设兵团分院（本院）"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup the code under test wrote


def named(root: ET.Element) -> tuple[str, str]:
    """The chart's accessible name and description, found through aria-labelledby."""
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"svg:title[@id='{title_id}']", NS)
    desc = root.find(f"svg:desc[@id='{desc_id}']", NS)
    return title.text, desc.text


def test_text_width_counts_chinese_as_one_em():
    assert text_width("法院") == 2 * FONT
    assert text_width("ab") == 1.2 * FONT
    assert fit("沈阳市和平区人民法院", 5 * FONT) == "沈阳市和…"
    assert fit("和平", 5 * FONT) == "和平"


def test_a_bar_chart_is_named_linked_and_proportional():
    root = parse(
        bar_chart(
            "t",
            "干预过问案件记录（按法院）",
            [
                Bar("沈阳市和平区人民法院", 30, "/ledgers/interference/?court=4"),
                Bar("沈阳市沈河区人民法院", 15, "/ledgers/interference/?court=5"),
                Bar("沈阳市中级人民法院", 0),
            ],
        )
    )
    title, desc = named(root)
    assert title == "干预过问案件记录（按法院）"
    assert desc == "沈阳市和平区人民法院 30；沈阳市沈河区人民法院 15；沈阳市中级人民法院 0"
    links = root.findall("svg:a", NS)
    assert [a.get("href") for a in links] == [
        "/ledgers/interference/?court=4",
        "/ledgers/interference/?court=5",
    ]
    assert [a.find("svg:title", NS).text for a in links] == [
        "沈阳市和平区人民法院: 30",
        "沈阳市沈河区人民法院: 15",
    ]
    widths = [float(rect.get("width")) for rect in root.iter(f"{{{NS['svg']}}}rect")]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    # The row without a list is a group with the same tooltip.
    assert root.find("svg:g/svg:title", NS).text == "沈阳市中级人民法院: 0"


def test_a_long_label_is_shortened_and_kept_whole_in_the_tooltip():
    root = parse(bar_chart("t", "标题", [Bar(LONG, 3, "/x/")]))
    label = root.find("svg:a/svg:text[@class='chart-label']", NS).text
    assert label.endswith("…")
    assert text_width(label) <= LABEL_MAX
    assert root.find("svg:a/svg:title", NS).text == f"{LONG}: 3"


def test_text_is_escaped():
    root = parse(bar_chart("t", "<a&b>", [Bar('"x" & <y>', 1, "/l/?a=1&b=2")]))
    assert named(root)[0] == "<a&b>"
    assert root.find("svg:a", NS).get("href") == "/l/?a=1&b=2"
    assert root.find("svg:a/svg:text", NS).text == '"x" & <y>'


def test_a_stacked_chart_has_a_legend_and_a_segment_per_value():
    root = parse(
        stacked_bar_chart(
            "s",
            "整改情况",
            ["已整改", "整改中", "逾期"],
            [
                StackRow("和平区法院", [3, 1, 2], hrefs=["/a/", "/b/", None]),
                StackRow("沈河区法院", [0, 2, 0]),
            ],
        )
    )
    named(root)
    legend = [t.text for t in root.findall("svg:text[@class='chart-legend']", NS)]
    assert legend == ["已整改", "整改中", "逾期"]
    assert [a.find("svg:title", NS).text for a in root.findall("svg:a", NS)] == [
        "和平区法院 · 已整改: 3",
        "和平区法院 · 整改中: 1",
    ]
    # Zero values draw nothing; the total follows each bar.
    segments = root.findall("svg:g/svg:title", NS)
    assert [s.text for s in segments] == ["和平区法院 · 逾期: 2", "沈河区法院 · 整改中: 2"]
    totals = [t.text for t in root.findall("svg:text[@class='chart-value']", NS)]
    assert totals == ["6", "2"]


def test_a_long_legend_wraps_instead_of_running_off_the_chart():
    series = [f"第{n}种形态：批评教育、谈话函询" for n in range(1, 5)]
    root = parse(stacked_bar_chart("s", "处置", series, [StackRow("法院", [1, 1, 1, 1])]))
    ys = {float(t.get("y")) for t in root.findall("svg:text[@class='chart-legend']", NS)}
    assert len(ys) > 1
    for text in root.findall("svg:text[@class='chart-legend']", NS):
        assert float(text.get("x")) + text_width(text.text) <= 560


def test_a_line_chart_links_each_point_and_thins_its_labels():
    points = [
        Point(f"{m % 12 + 1}月", m, f"/list/?m={m}", hint=f"{2024 + m // 12}年{m % 12 + 1}月")
        for m in range(36)
    ]
    root = parse(line_chart("l", "按月", points))
    named(root)
    dots = root.findall("svg:a", NS)
    assert len(dots) == 36
    assert dots[13].get("href") == "/list/?m=13"
    assert dots[13].find("svg:title", NS).text == "2025年2月: 13"
    labels = [t for t in root.findall("svg:text[@class='chart-tick']", NS) if t.text.endswith("月")]
    assert 1 < len(labels) < 36
    xs = sorted(float(t.get("x")) for t in labels)
    widest = max(text_width(t.text) for t in labels)
    assert all(b - a >= widest for a, b in itertools.pairwise(xs))


def test_a_percent_line_has_percent_ticks():
    root = parse(line_chart("p", "零报告率", [Point("3月", 0.5, text="50.0%")], percent=True))
    ticks = [t.text for t in root.findall("svg:text[@class='chart-tick']", NS)]
    assert "50%" in ticks
    assert root.find("svg:g/svg:title", NS).text == "3月: 50.0%"


def test_empty_charts_are_still_valid_svg():
    for svg in (
        bar_chart("e", "空", []),
        stacked_bar_chart("e", "空", ["甲"], []),
        line_chart("e", "空", []),
    ):
        named(parse(svg))


def test_the_month_labels_stay_inside_the_chart():
    points = [Point(f"2025年{m}月", m) for m in range(1, 13)]
    root = parse(line_chart("l", "按月", points))
    labels = [t for t in root.findall("svg:text[@class='chart-tick']", NS) if t.text.endswith("月")]
    assert labels[0].text == "2025年1月"
    for label in labels:
        half = text_width(label.text) / 2
        assert float(label.get("x")) - half >= 0
        assert float(label.get("x")) + half <= 560
