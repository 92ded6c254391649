"""A radar (spider) chart as inline SVG, for the capability assessment.

Plain Python, no numpy and no ORM: the form and the PDF report (wkhtmltopdf)
show the same markup. Axis ``i`` of ``n`` points up for ``i = 0`` and turns
clockwise; a value ``v`` of a scale ``0..maximum`` lies at ``v / maximum`` of
the radius. A series with no value on an axis is drawn at the centre there.
"""

import math
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 560, 400  # the chart's viewport, in px, without the legend
CENTRE = (WIDTH / 2, HEIGHT / 2)
RADIUS = 130
WRAP = 16  # labels longer than this break into two lines
COLOURS = ("#1f77b4", "#7f7f7f", "#d62728", "#2ca02c")


def axis_point(index, count, fraction, radius=RADIUS):
    """The (x, y) of ``fraction`` of the radius on axis ``index`` of ``count``."""
    angle = 2 * math.pi * index / count
    return (
        round(CENTRE[0] + fraction * radius * math.sin(angle), 1),
        round(CENTRE[1] - fraction * radius * math.cos(angle), 1),
    )


def label_lines(label):
    """``label`` in one line, or two broken at the space nearest its middle."""
    if len(label) <= WRAP or " " not in label:
        return [label]
    middle = len(label) / 2
    cut = min(
        (i for i, char in enumerate(label) if char == " "),
        key=lambda i: abs(i - middle),
    )
    return [label[:cut], label[cut + 1 :]]


def label_svg(x, y, label):
    """A label at (x, y), anchored away from the chart's centre."""
    if abs(x - CENTRE[0]) < 5:
        anchor = "middle"
    else:
        anchor = "start" if x > CENTRE[0] else "end"
    lines = label_lines(label)
    top = y - 6 * (len(lines) - 1)
    spans = "".join(
        f'<tspan x="{x}" y="{top + 12 * i}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" dominant-baseline="middle">{spans}</text>'


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
    height = HEIGHT + 20 * len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'font-family="sans-serif" font-size="11">'
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
        parts.append(
            f'<line x1="{CENTRE[0]}" y1="{CENTRE[1]}" x2="{x}" y2="{y}" '
            'stroke="#cccccc" stroke-width="1"/>'
        )
        parts.append(label_svg(*axis_point(i, count, 1.12), label))
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<polygon points="{polygon_points(values, maximum)}" fill="{colour}" '
            f'fill-opacity="0.15" stroke="{colour}" stroke-width="2"/>'
        )
        y = HEIGHT + 20 * index
        parts.append(
            f'<rect x="20" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="38" y="{y + 10}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
