"""A flame graph (SVG, opens in any browser) of a folded profile, frames coloured by bucket.

No maintained folded-stacks-to-SVG tool is packaged for Debian 12 or PyPI
(flamegraph.pl and inferno are not), so this draws the classic layout
itself: root at the bottom, each frame as wide as its samples, children
sorted by name, a tooltip (<title>) per frame with its samples and share.
A frame's colour is the bucket its stack would be counted in if it ended
there (buckets.py), with a legend.
"""

import html

from tflatency.profile import buckets

WIDTH, ROW, FONT = 1200, 16, 11
MIN_WIDTH_PX = 0.3
COLOURS = {"python": "#6b9bd2", "framework_python": "#9d7cd8", "executor": "#e8a33c", "threads": "#d9534f",
           "math": "#5cb85c", "alloc": "#f0d04a", "kernel": "#999999", "other": "#c8c8c8",
           "unresolved": "#ffffff"}


def _tree(folded):
    root = {"n": 0, "kids": {}}
    for stack, count in folded.items():
        root["n"] += count
        node = root
        for frame in stack.split(";"):
            node = node["kids"].setdefault(frame, {"n": 0, "kids": {}})
            node["n"] += count
    return root


def _depth(node):
    return 1 + max((_depth(k) for k in node["kids"].values()), default=0)


def render(folded, title, table):
    """SVG text of the folded profile {'root;...;leaf': samples}."""
    root = _tree(folded)
    total = root["n"] or 1
    depth = _depth(root)
    legend_rows = 2
    height = (depth + 3 + legend_rows) * ROW
    scale = WIDTH / total
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'font-family="monospace" font-size="{FONT}">',
             f'<text x="4" y="{ROW - 3}" font-size="{FONT + 3}">{html.escape(title)} ({root["n"]} samples)</text>']
    x = 4
    for bucket in table.display:
        y = ROW * 2
        parts.append(f'<rect x="{x}" y="{y - ROW + 4}" width="10" height="10" fill="{COLOURS.get(bucket.key, "#ccc")}" '
                     f'stroke="#555"/><text x="{x + 14}" y="{y + 2}">{html.escape(bucket.label)}</text>')
        x += 20 + 7 * len(bucket.label)

    def draw(node, path, x0, level):
        for frame in sorted(node["kids"]):
            kid = node["kids"][frame]
            w = kid["n"] * scale
            if w >= MIN_WIDTH_PX:
                stack = [frame, *path]
                key, _ = buckets.classify(stack, table)
                y = height - (level + 1) * ROW
                label = frame if len(frame) * 7 < w else frame[: max(0, int(w / 7) - 2)] + ".." if w > 28 else ""
                tip = f"{frame}: {kid['n']} samples, {100.0 * kid['n'] / total:.2f}% ({table.label(key)})"
                parts.append(f'<g><title>{html.escape(tip)}</title><rect x="{x0:.2f}" y="{y}" width="{w:.2f}" '
                             f'height="{ROW - 1}" fill="{COLOURS.get(key, "#ccc")}" stroke="#fff" stroke-width="0.3"/>'
                             f'<text x="{x0 + 2:.2f}" y="{y + ROW - 4}">{html.escape(label)}</text></g>')
                draw(kid, stack, x0, level + 1)
            x0 += w
    draw(root, [], 0.0, 0)
    parts.append("</svg>\n")
    return "\n".join(parts)
