"""A small server-drawn SVG bar chart (no script, so the pages keep a strict CSP)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 640, 160, 24


def feedback_bars(timeline: list[dict[str, Any]]) -> Markup:
    """Helpful (green) and unhelpful (red) answers per day, stacked."""
    if not timeline:
        return Markup("")
    peak = max((d["helpful"] + d["unhelpful"] for d in timeline), default=0) or 1
    step = (WIDTH - 2 * PAD) / len(timeline)
    bar = max(step * 0.7, 1.0)
    scale = (HEIGHT - 2 * PAD) / peak
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="最近{len(timeline)}天的回答反馈：绿色为有帮助，红色为没帮助">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#57606a"/>',
    ]
    for i, day in enumerate(timeline):
        x = PAD + i * step
        helpful_h, unhelpful_h = day["helpful"] * scale, day["unhelpful"] * scale
        base = HEIGHT - PAD
        title = escape(f"{day['day']}：有帮助 {day['helpful']}，没帮助 {day['unhelpful']}")
        parts.append(f"<g><title>{title}</title>")
        if helpful_h:
            parts.append(_rect(x, base - helpful_h, bar, helpful_h, "#1a7f37"))
        if unhelpful_h:
            parts.append(_rect(x, base - helpful_h - unhelpful_h, bar, unhelpful_h, "#cf222e"))
        parts.append("</g>")
    parts.append(f'<text x="{PAD}" y="{PAD - 6}" font-size="12" fill="#57606a">最多一天 {peak} 条</text>')
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="12" fill="#57606a">{escape(timeline[0]["day"])}</text>')
    parts.append(
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="12" fill="#57606a" text-anchor="end">'
        f"{escape(timeline[-1]['day'])}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"/>'
