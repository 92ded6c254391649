"""A radar (spider) chart as inline SVG, for the capability assessment.

Plain Python, no numpy and no ORM: the form and the PDF report (wkhtmltopdf)
show the same markup. Axis ``i`` of ``n`` points up for ``i = 0`` and turns
clockwise; a value ``v`` of a scale ``0..maximum`` lies at ``v / maximum`` of
the radius. A series with no value on an axis is drawn at the centre there.
"""

import math
from xml.sax.saxutils import escape

SIZE = 420  # the square viewport, in px
RADIUS = 130
COLOURS = ("#1f77b4", "#7f7f7f", "#d62728", "#2ca02c")


def axis_point(index, count, fraction, centre=SIZE / 2, radius=RADIUS):
    """The (x, y) of ``fraction`` of the radius on axis ``index`` of ``count``."""
    angle = 2 * math.pi * index / count
    return (
        round(centre + fraction * radius * math.sin(angle), 1),
        round(centre - fraction * radius * math.cos(angle), 1),
    )


def polygon_points(values, maximum):
    """The ``points`` attribute of a series' polygon."""
    count = len(values)
    return " ".join(
        "{},{}".format(
            *axis_point(i, count, min(max(v or 0.0, 0.0), maximum) / maximum)
        )
        for i, v in enumerate(values)
    )


def radar_svg(labels, series, maximum=5, title=""):
    """An SVG of ``labels`` (the axes) and ``series``: a list of
    ``(name, values)``, a value per label (None: not known). The grid has a ring
    per unit of ``maximum``; the legend names the series in their colours."""
    count = len(labels)
    if count < 3:
        return ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" '
        f'height="{SIZE + 20 * len(series)}" viewBox="0 0 {SIZE} '
        f'{SIZE + 20 * len(series)}" font-family="sans-serif" font-size="11">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for ring in range(1, int(maximum) + 1):
        ring_points = " ".join(
            "{},{}".format(*axis_point(i, count, ring / maximum)) for i in range(count)
        )
        parts.append(
            f'<polygon points="{ring_points}" fill="none" stroke="#cccccc" '
            'stroke-width="1"/>'
        )
    for i, label in enumerate(labels):
        x, y = axis_point(i, count, 1.0)
        lx, ly = axis_point(i, count, 1.18)
        anchor = (
            "middle"
            if abs(lx - SIZE / 2) < 5
            else ("start" if lx > SIZE / 2 else "end")
        )
        parts.append(
            f'<line x1="{SIZE / 2}" y1="{SIZE / 2}" x2="{x}" y2="{y}" '
            'stroke="#cccccc" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<polygon points="{polygon_points(values, maximum)}" fill="{colour}" '
            f'fill-opacity="0.15" stroke="{colour}" stroke-width="2"/>'
        )
        y = SIZE + 20 * index + 5
        parts.append(
            f'<rect x="20" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="38" y="{y + 10}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
