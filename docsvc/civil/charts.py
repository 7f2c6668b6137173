"""The progress charts of the civil-status reports page, drawn by pygal as SVG on the server:
no JavaScript (pygal's tooltip script, which it would fetch from a CDN, is left out) and
nothing from outside. The page shows them as images served by the app
(``civil.chart``), so the SVG's own styles stay inside the image and the page's strict
content security policy needs no exception."""

from __future__ import annotations

from typing import Callable

import re

import pygal
from pygal.style import Style

from docsvc.civil import fields as contract

NAMES = ("books", "offices", "people")
STATUS_COLOURS = {"proposed": "#9aa5b1", "keyed": "#2f6fd1", "verified": "#1f8a4c", "disputed": "#c62828"}



def _style(colours: tuple[str, ...]) -> Style:
    return Style(background="#ffffff", plot_background="#ffffff", foreground="#1f2933",
                 foreground_strong="#1f2933", foreground_subtle="#d5d9de",
                 font_family="'DejaVu Sans', 'Noto Sans', sans-serif", colors=colours,
                 label_font_size=12, major_label_font_size=12, legend_font_size=13, title_font_size=15)


def _chart(kind, title: str, labels: list[str], *, colours=None, height: int | None = None):
    style = _style(colours or tuple(STATUS_COLOURS[s] for s in contract.STATUSES))
    chart = kind(style=style, js=[], disable_xml_declaration=False, title=title, legend_at_bottom=True,
                 print_values=False, width=900, height=height or max(320, 120 + 34 * len(labels)),
                 truncate_label=40, show_minor_x_labels=True, margin=16)
    chart.x_labels = labels
    return chart


def _whole_numbers(chart, top: int) -> None:
    """Counts: the value axis in whole numbers, about ten steps."""
    top = max(int(top), 1)
    step = max(1, -(-top // 10))
    chart.range = (0, -(-top // step) * step)
    chart.y_labels = list(range(0, chart.range[1] + 1, step))


def draw(name: str, figures: dict, *, lang_gettext: Callable[[str], str] = lambda s: s) -> bytes:
    """The chart ``name`` (books | offices | people) of ``workbench.progress`` figures, as SVG."""
    _ = lang_gettext
    if name == "people":
        people = figures["people"]
        chart = _chart(pygal.HorizontalBar, _("Năng suất theo người"), [p["username"] for p in people],
                       colours=("#2f6fd1", "#1f8a4c"))
        chart.add(_("Mục đã nhập"), [p["keyed"] for p in people])
        chart.add(_("Mục đã kiểm tra"), [p["verified"] for p in people])
        top = max([max(p["keyed"], p["verified"]) for p in people] or [0])
    else:
        rows = figures["books"] if name == "books" else figures["offices"]
        labels = ([f'{b["label"]} ({b["office"]["code"]})' for b in rows] if name == "books"
                  else [f'{o["name"]} ({o["code"]})' for o in rows])
        title = _("Tiến độ theo sổ") if name == "books" else _("Tiến độ theo đơn vị")
        chart = _chart(pygal.HorizontalStackedBar, title, labels)
        for status in contract.STATUSES:
            chart.add(_(contract.STATUS_LABELS[status]), [r["entries"][status] for r in rows])
        top = max([sum(r["entries"].values()) for r in rows] or [0])
    _whole_numbers(chart, top)
    if not chart.x_labels:
        chart.no_data_text = _("Chưa có số liệu")
    # pygal always writes its configuration as a script for its tooltips; the chart is an
    # image and needs none.
    return _SCRIPT.sub(b"", chart.render())


_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)
