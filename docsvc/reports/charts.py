"""The on-time charts of the reports page, drawn by pygal as SVG on the server (served as
images, as docsvc.civil.charts are: no script, nothing from outside): ``groups`` — early,
on time and late stacked per row of the report; ``months`` — the same per month, with the
received ones beside them."""

from __future__ import annotations

from typing import Callable

import pygal

from docsvc.civil.charts import _SCRIPT, _style, _whole_numbers

COLOURS = {"early": "#1f8a4c", "on_time": "#2f6fd1", "late": "#c62828", "received": "#9aa5b1"}
NAMES = ("groups", "months")


def draw(name: str, report: dict, *, lang_gettext: Callable[[str], str] = lambda s: s) -> bytes:
    _ = lang_gettext
    rows = report["rows"]
    labels = [r["label"] for r in rows]
    series = [("early", _("Trước hạn")), ("on_time", _("Đúng hạn")), ("late", _("Quá hạn"))]
    if name == "months":
        chart = pygal.Bar(style=_style(tuple(COLOURS[k] for k in ("received", "early", "on_time", "late"))),
                          js=[], title=_("Theo tháng"), legend_at_bottom=True, width=900, height=360,
                          x_label_rotation=30, truncate_label=20, margin=16)
        series = [("received", _("Tiếp nhận")), *series]
        top = max([max(r[k] for k, _l in series) for r in rows] or [0])
    else:
        chart = pygal.HorizontalStackedBar(style=_style(tuple(COLOURS[k] for k, _l in series)), js=[],
                                           title=_("Trước hạn, đúng hạn, quá hạn"), legend_at_bottom=True,
                                           width=900, height=max(320, 120 + 34 * len(rows)), truncate_label=40,
                                           margin=16)
        top = max([r["early"] + r["on_time"] + r["late"] for r in rows] or [0])
    chart.x_labels = labels
    for key, label in series:
        chart.add(label, [r[key] for r in rows])
    _whole_numbers(chart, top)
    if not rows:
        chart.no_data_text = _("Chưa có số liệu")
    return _SCRIPT.sub(b"", chart.render())
