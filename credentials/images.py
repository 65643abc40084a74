"""Generated badge artwork: a medal per achievement, as PNG (Pillow) and SVG."""

import io
import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

SIZE = 512
_NAME_BOX_WIDTH = 330
_MAX_NAME_LINES = 3


class AchievementKind(StrEnum):
    """The kinds of achievement the city offers; each has its own colour and icon."""

    ACTIVITY = "activity"
    CHALLENGE = "challenge"
    PLAYLIST = "playlist"
    META = "meta"


@dataclass(frozen=True)
class Palette:
    """Colours of one kind of badge."""

    primary: str
    dark: str
    light: str


PALETTES: dict[AchievementKind, Palette] = {
    AchievementKind.ACTIVITY: Palette("#1E88E5", "#0D47A1", "#E3F2FD"),
    AchievementKind.CHALLENGE: Palette("#E53935", "#8E1B1B", "#FFEBEE"),
    AchievementKind.PLAYLIST: Palette("#43A047", "#1B5E20", "#E8F5E9"),
    AchievementKind.META: Palette("#8E24AA", "#4A148C", "#F3E5F5"),
}


@dataclass(frozen=True)
class _Layout:
    name_lines: tuple[str, ...]
    name_size: int
    city: str
    city_size: int


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _text_width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


def _split_long_word(word: str, size: int, width: int) -> list[str]:
    pieces = []
    while len(word) > 1 and _text_width(word, size) > width:
        cut = len(word) - 1
        while cut > 1 and _text_width(word[:cut], size) > width:
            cut -= 1
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def _wrap(text: str, size: int, width: int) -> list[str]:
    """Greedy word wrap by measured width; over-long words are split by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _split_long_word(word, size, width):
            candidate = f"{current} {piece}".strip()
            if current and _text_width(candidate, size) > width:
                lines.append(current)
                current = piece
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _fit(text: str, width: int, max_lines: int, sizes: range) -> tuple[list[str], int]:
    """Choose the largest font size at which the text wraps into at most max_lines."""
    for size in sizes:
        lines = _wrap(text, size, width)
        if len(lines) <= max_lines:
            return lines, size
    smallest = sizes[-1]
    lines = _wrap(text, smallest, width)[:max_lines]
    while lines and _text_width(lines[-1] + "…", smallest) > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] = lines[-1].rstrip() + "…"
    return lines, smallest


def _layout(name: str, city: str) -> _Layout:
    name_lines, name_size = _fit(name, _NAME_BOX_WIDTH, _MAX_NAME_LINES, range(44, 19, -2))
    city_lines, city_size = _fit(city.upper(), 250, 1, range(24, 11, -1))
    return _Layout(tuple(name_lines), name_size, city_lines[0], city_size)


def _icon_points(
    kind: AchievementKind, cx: float, cy: float, r: float
) -> list[list[tuple[float, float]]]:
    """Return the icon as polygons: circle-ish for activity, mountain, list bars, star."""
    if kind is AchievementKind.ACTIVITY:
        # a compass-like diamond inside a ring (the ring is drawn separately)
        return [[(cx, cy - r), (cx + r * 0.45, cy), (cx, cy + r), (cx - r * 0.45, cy)]]
    if kind is AchievementKind.CHALLENGE:
        return [
            [
                (cx - r * 1.2, cy + r * 0.7),
                (cx - r * 0.2, cy - r * 0.9),
                (cx + r * 0.8, cy + r * 0.7),
            ],
            [
                (cx + r * 0.1, cy + r * 0.7),
                (cx + r * 0.6, cy - r * 0.2),
                (cx + r * 1.2, cy + r * 0.7),
            ],
        ]
    if kind is AchievementKind.PLAYLIST:
        bars = []
        for row in range(3):
            top = cy - r * 0.8 + row * r * 0.6
            bars.append(
                [(cx - r, top), (cx + r, top), (cx + r, top + r * 0.36), (cx - r, top + r * 0.36)]
            )
        return bars
    star = []
    for point in range(10):
        radius = r if point % 2 == 0 else r * 0.42
        angle = -math.pi / 2 + point * math.pi / 5
        star.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return [star]


def badge_png(name: str, city: str, kind: AchievementKind | str) -> bytes:
    """Draw a 512×512 PNG medal with the achievement name, city name and kind icon."""
    kind = AchievementKind(kind)
    palette = PALETTES[kind]
    layout = _layout(name, city)
    scale = 2  # draw at double size and downsample for smooth edges
    image = Image.new("RGBA", (SIZE * scale, SIZE * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = SIZE * scale / 2

    def circle(radius: float, fill: str, outline: str | None = None, width: int = 0) -> None:
        draw.ellipse(
            (c - radius, c - radius, c + radius, c + radius),
            fill=fill,
            outline=outline,
            width=width,
        )

    circle(250 * scale, palette.dark)
    circle(236 * scale, palette.primary)
    circle(206 * scale, palette.light, outline="#FFFFFF", width=4 * scale)
    icon_cx, icon_cy, icon_r = c, 150 * scale, 40.0 * scale
    if kind is AchievementKind.ACTIVITY:
        draw.ellipse(
            (icon_cx - icon_r, icon_cy - icon_r, icon_cx + icon_r, icon_cy + icon_r),
            outline=palette.primary,
            width=7 * scale,
        )
        icon_r *= 0.7
    for polygon in _icon_points(kind, icon_cx, icon_cy, icon_r):
        draw.polygon(polygon, fill=palette.primary)
    big = _font(layout.name_size * scale)
    line_height = layout.name_size * 1.2 * scale
    top = (280 * scale) - line_height * len(layout.name_lines) / 2 + line_height / 2
    for number, line in enumerate(layout.name_lines):
        draw.text((c, top + number * line_height), line, font=big, fill="#212121", anchor="mm")
    ribbon_top, ribbon_bottom = 372 * scale, 420 * scale
    draw.rounded_rectangle(
        (c - 150 * scale, ribbon_top, c + 150 * scale, ribbon_bottom),
        radius=24 * scale,
        fill=palette.dark,
    )
    draw.text(
        (c, (ribbon_top + ribbon_bottom) / 2),
        layout.city,
        font=_font(layout.city_size * scale),
        fill="#FFFFFF",
        anchor="mm",
    )
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def badge_svg(name: str, city: str, kind: AchievementKind | str) -> bytes:
    """Draw the same medal as a 512×512 SVG document."""
    kind = AchievementKind(kind)
    palette = PALETTES[kind]
    layout = _layout(name, city)
    c = SIZE / 2
    icon = ""
    icon_r = 40.0
    if kind is AchievementKind.ACTIVITY:
        icon = (
            f'<circle cx="{c}" cy="150" r="{icon_r}" fill="none" '
            f'stroke="{palette.primary}" stroke-width="7"/>'
        )
        icon_r *= 0.7
    for polygon in _icon_points(kind, c, 150, icon_r):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in polygon)
        icon += f'<polygon points="{points}" fill="{palette.primary}"/>'
    line_height = layout.name_size * 1.2
    top = 280 - line_height * len(layout.name_lines) / 2 + line_height / 2
    texts = "".join(
        f'<text x="{c}" y="{top + n * line_height:.1f}" font-size="{layout.name_size}" '
        f'fill="#212121">{escape(line)}</text>'
        for n, line in enumerate(layout.name_lines)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img">'
        f"<title>{escape(name)} · {escape(city)}</title>"
        f'<circle cx="{c}" cy="{c}" r="250" fill="{palette.dark}"/>'
        f'<circle cx="{c}" cy="{c}" r="236" fill="{palette.primary}"/>'
        f'<circle cx="{c}" cy="{c}" r="206" fill="{palette.light}" '
        f'stroke="#FFFFFF" stroke-width="4"/>'
        f"{icon}"
        f'<g font-family="Aileron, Helvetica, Arial, sans-serif" font-weight="bold" '
        f'text-anchor="middle" dominant-baseline="central">{texts}'
        f'<rect x="{c - 150}" y="372" width="300" height="48" rx="24" fill="{palette.dark}"/>'
        f'<text x="{c}" y="396" font-size="{layout.city_size}" fill="#FFFFFF">'
        f"{escape(layout.city)}</text></g></svg>\n"
    )
    return svg.encode("utf-8")
