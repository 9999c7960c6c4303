"""Small charts drawn on the server as SVG: no script, no chart bundle. Sized by a viewBox and
100 % wide, so a 360 px screen shows them whole; colours are SVG attributes, not style (the
Content-Security-Policy refuses inline style). Every word from the database is escaped by
format_html. Each chart has a <title> and a <desc>; the page puts a table of the same figures
beside it, for screen readers and for anyone who wants the numbers."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from floor.warehouse.quantities import qty

WIDTH = 320
INK, MUTED, GRID = "#111", "#4d4d4d", "#c8c8c8"
# Two series told apart by more than hue: solid dark, then light with a dark outline.
SERIES = [{"fill": "#0b3d91", "stroke": "#0b3d91"}, {"fill": "#a9c1ec", "stroke": "#0b1f44"}]
FONT = 12
LEGEND = 16  # a legend line


def _percent(value: float | None) -> str:
    if value is None:
        return "–"
    # Rounded half up as the tables' floatformat does (number_format alone cuts 66.7 to 66).
    whole = Decimal(repr(value)).quantize(Decimal(1), ROUND_HALF_UP)
    return f"{number_format(whole, 0)}\u00a0%"  # 50 %, never 50 over %


def _svg(*, ident: str, title: str, description: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title {}-desc" font-family="system-ui, sans-serif" font-size="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        ident,
        ident,
        FONT,
        ident,
        title,
        ident,
        description,
        body,
    )


def _join(parts: list[SafeString]) -> SafeString:
    return SafeString("".join(parts))  # each part made safe by format_html


def _legend(names: list[str]) -> SafeString:
    """A swatch and the series' name, one to a line: translated names may be long."""
    return _join(
        [
            format_html(
                '<rect x="0" y="{}" width="12" height="12" fill="{}" stroke="{}"/>'
                '<text x="16" y="{}" fill="{}">{}</text>',
                n * LEGEND,
                SERIES[n]["fill"],
                SERIES[n]["stroke"],
                n * LEGEND + 10,
                INK,
                name,
            )
            for n, name in enumerate(names)
        ]
    )


def _named(i: int, count: int) -> bool:
    """Whether the i-th of `count` weeks is named under the plot: as many as fit without
    overlapping, the latest always among them."""
    every = 1 if count <= 8 else 2 if count <= 16 else -(-count // 8)
    return (count - 1 - i) % every == 0


def percent_bars(
    *, ident: str, title: str, rows: list[tuple[str, list[float | None]]], series: list[str]
) -> SafeString:
    """Horizontal bars, 0–100 %: per row its name on a line, then a bar per series with its figure.
    Rows grow downwards, so a long list of zones or counters stays readable on a phone."""
    return _bars(
        ident=ident,
        title=title,
        rows=rows,
        series=series,
        share=lambda value: max(0.0, min(value, 100.0)) / 100,
        figure=_percent,
    )


def amount_bars(*, ident: str, title: str, rows: list[tuple[str, list]], series: list[str]) -> SafeString:
    """Horizontal bars of amounts (units, items) from zero, the largest the full width; laid out
    as percent_bars."""
    largest = max((float(value) for _name, values in rows for value in values if value), default=0.0) or 1.0
    return _bars(
        ident=ident,
        title=title,
        rows=rows,
        series=series,
        share=lambda value: max(0.0, float(value)) / largest,
        figure=lambda value: "–" if value is None else qty(Decimal(value)),
    )


def _bars(*, ident: str, title: str, rows: list[tuple[str, list]], series: list[str], share, figure) -> SafeString:
    bar, gap, label = 12, 3, 15
    row_height = label + len(series) * (bar + gap) + 8
    top = LEGEND * len(series) + 6
    track = WIDTH - 48  # room for "100 %" after the longest bar
    parts = [_legend(series)]
    for n, (name, values) in enumerate(rows):
        y = top + n * row_height
        parts.append(format_html('<text x="0" y="{}" fill="{}" font-weight="700">{}</text>', y + 11, INK, name))
        for s, value in enumerate(values):
            by = y + label + s * (bar + gap)
            length = 0 if value is None else round(track * share(value), 1)
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>'
                    '<text x="{}" y="{}" fill="{}">{}</text>',
                    by,
                    max(length, 0.5),
                    bar,
                    SERIES[s]["fill"],
                    SERIES[s]["stroke"],
                    length + 4,
                    by + bar - 2,
                    INK,
                    figure(value),
                )
            )
    height = top + max(len(rows), 1) * row_height
    description = "; ".join(
        f"{name}: " + ", ".join(f"{series[s]} {figure(v)}" for s, v in enumerate(values)) for name, values in rows
    )
    return _svg(ident=ident, title=title, description=description, height=height, body=_join(parts))


def percent_lines(
    *, ident: str, title: str, labels: list[str], series: list[tuple[str, list[float | None]]]
) -> SafeString:
    """A line per series over the weeks, 0–100 %; a week without counts breaks the line."""
    return _lines(ident=ident, title=title, labels=labels, series=series, highest=100, figure=_percent)


def _count(value: float | None) -> str:
    return "–" if value is None else number_format(value, 0)


def _ceiling(highest: float) -> int:
    """The top of the grid: the first round figure at or over the highest whose half is whole too."""
    rounds = [2, 4] + [m * 10**k for k in range(1, 10) for m in (1, 2, 5)]
    return next((top for top in rounds if top >= highest), rounds[-1])


def count_lines(*, ident: str, title: str, labels: list[str], series: list[tuple[str, list[int | None]]]) -> SafeString:
    """A line per series of whole counts (lines picked by hour), from nought to a round figure over
    the highest; as percent_lines otherwise."""
    highest = _ceiling(max((value for _name, values in series for value in values if value), default=0))
    return _lines(ident=ident, title=title, labels=labels, series=series, highest=highest, figure=_count)


def _lines(*, ident: str, title: str, labels: list[str], series: list[tuple[str, list]], highest, figure) -> SafeString:
    left, right, top, plot_height, bottom = 44, 16, LEGEND * len(series) + 8, 120, 18
    inner = WIDTH - left - right
    step = inner / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step, 1)

    def y(value: float) -> float:
        return round(top + plot_height * (1 - max(0.0, min(value, highest)) / highest), 1)

    parts = [_legend([name for name, _values in series])]
    for level in (0, highest // 2, highest):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                '<text x="{}" y="{}" fill="{}" text-anchor="end">{}</text>',
                left,
                WIDTH - right,
                y(level),
                y(level),
                GRID,
                left - 4,
                y(level) + 4,
                MUTED,
                figure(level),
            )
        )
    for i, label in enumerate(labels):
        if _named(i, len(labels)):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" fill="{}" text-anchor="middle">{}</text>',
                    x(i),
                    top + plot_height + bottom - 4,
                    MUTED,
                    label,
                )
            )
    for s, (_name, values) in enumerate(series):
        colour = SERIES[s]["stroke"]
        run: list[str] = []
        for i, value in enumerate([*values, None]):
            if value is not None:
                run.append(f"{x(i)},{y(value)}")
                parts.append(
                    format_html(
                        '<circle cx="{}" cy="{}" r="3" fill="{}" stroke="{}"/>',
                        x(i),
                        y(value),
                        SERIES[s]["fill"],
                        colour,
                    )
                )
            elif run:
                dash = "" if s == 0 else ' stroke-dasharray="5 3"'  # told apart without colour
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
                        " ".join(run),
                        colour,
                        SafeString(dash),
                    )
                )
                run = []
    description = "; ".join(
        f"{label}: " + ", ".join(f"{name} {figure(values[i])}" for name, values in series)
        for i, label in enumerate(labels)
    )
    return _svg(
        ident=ident,
        title=title,
        description=description,
        height=top + plot_height + bottom,
        body=_join(parts),
    )


def value_columns(*, ident: str, title: str, labels: list[str], values: list) -> SafeString:
    """A column per week from a zero line: stock found (up) or lost (down) in money, the highest
    and lowest figures named on the left."""
    left, right, top, plot_height, bottom = 52, 6, 8, 120, 18
    slot = (WIDTH - left - right) / max(len(labels), 1)
    amounts = [float(value or 0) for value in values]
    high, low = max([*amounts, 0.0]), min([*amounts, 0.0])
    span = (high - low) or 1.0

    def y(amount: float) -> float:
        return round(top + plot_height * (high - amount) / span, 1)

    parts = []
    for level in sorted({high, 0.0, low}):
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" text-anchor="end">{}</text>',
                left - 4,
                y(level) + 4,
                MUTED,
                number_format(level, 0),
            )
        )
    for i, (label, amount) in enumerate(zip(labels, amounts, strict=True)):
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>',
                round(left + i * slot + slot * 0.15, 1),
                min(y(amount), y(0)),
                round(slot * 0.7, 1),
                abs(y(amount) - y(0)),
                SERIES[0]["fill"],
                SERIES[0]["stroke"],
            )
        )
        if _named(i, len(labels)):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" fill="{}" text-anchor="middle">{}</text>',
                    round(left + (i + 0.5) * slot, 1),
                    top + plot_height + bottom - 4,
                    MUTED,
                    label,
                )
            )
    parts.append(
        format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>', left, WIDTH - right, y(0), y(0), INK)
    )
    description = "; ".join(
        f"{label}: {number_format(amount, 2)}" for label, amount in zip(labels, amounts, strict=True)
    )
    return _svg(
        ident=ident,
        title=title,
        description=description,
        height=top + plot_height + bottom,
        body=_join(parts),
    )
