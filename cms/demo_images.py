"""Illustrations for the demo site, drawn with Pillow from shapes and gradients (no network, no stock
photos, no people): calm, abstract pictures an editor could use as listing images.

Each picture is drawn at twice its size and scaled down, which smooths the edges of the shapes."""

import io
import math
import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
SCALE = 2
W, H = WIDTH * SCALE, HEIGHT * SCALE

Colour = tuple[int, int, int]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _vertical_gradient(stops: Sequence[tuple[float, Colour]], size: tuple[int, int] = (W, H)) -> Image.Image:
    """A top-to-bottom gradient through (position 0..1, colour) stops."""
    width, height = size
    column = []
    for y in range(height):
        t = y / (height - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                column.append(_mix(c0, c1, (t - p0) / (p1 - p0) if p1 > p0 else 0.0))
                break
        else:
            column.append(stops[-1][1] if t > stops[-1][0] else stops[0][1])
    strip = Image.new("RGB", (1, height))
    strip.putdata(column)
    return strip.resize((width, height), Image.Resampling.NEAREST)


def _glow(image: Image.Image, centre: tuple[int, int], radius: int, colour: Colour, strength: float) -> None:
    """Lighten a soft round area, as light falling from a sun or a flame."""
    mask = Image.radial_gradient("L").resize((radius * 2, radius * 2), Image.Resampling.BILINEAR)
    # radial_gradient is 0 in the middle and 181 at the middle of each edge (255 in the corners):
    # invert it so that it fades to nothing inside the circle, and let it fall off gently.
    mask = mask.point(lambda v: round(strength * 255 * max(0.0, 1 - v / 181) ** 2))
    image.paste(colour, (centre[0] - radius, centre[1] - radius), mask)


def _soften(layer: Image.Image, radius: float) -> Image.Image:
    """A Gaussian blur, done at a quarter of the size: for haze and shadows the result looks the same
    and takes a fraction of the time."""
    small = layer.resize((layer.width // 4, layer.height // 4), Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(radius / 4))
    return small.resize(layer.size, Image.Resampling.BILINEAR)


def _ridge(
    rng: random.Random,
    base: float,
    amplitude: float,
    waves: Sequence[tuple[float, float]],
    jagged: float = 0.0,
) -> list[tuple[float, float]]:
    """The outline of hills or mountains across the whole width, closed along the bottom edge."""
    phases = [rng.uniform(0, math.tau) for _ in waves]
    points = []
    steps = 160
    for i in range(steps + 1):
        x = W * i / steps
        y = base
        for (frequency, weight), phase in zip(waves, phases, strict=True):
            y -= amplitude * weight * math.sin(frequency * math.tau * x / W + phase)
        y += rng.uniform(-jagged, jagged)
        points.append((x, y))
    return [*points, (W, H), (0, H)]


def _finish(image: Image.Image) -> bytes:
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=84, optimize=True, progressive=True)
    return out.getvalue()


def steppe_evening() -> bytes:
    """Rolling steppe under an evening sky, a low sun on the horizon."""
    rng = random.Random(11)  # noqa: S311 - a fixed seed draws the same picture every time
    image = _vertical_gradient(
        [
            (0.0, (38, 52, 96)),
            (0.35, (120, 112, 150)),
            (0.58, (236, 170, 120)),
            (0.66, (250, 214, 160)),
            (1.0, (0, 0, 0)),
        ]
    )
    _glow(image, (int(W * 0.68), int(H * 0.62)), int(H * 0.55), (255, 222, 170), 0.8)
    draw = ImageDraw.Draw(image)
    sun = (int(W * 0.68), int(H * 0.62))
    draw.ellipse((sun[0] - 70, sun[1] - 70, sun[0] + 70, sun[1] + 70), fill=(255, 236, 200))
    layers = [
        (0.64, 22, (176, 132, 104)),
        (0.70, 34, (150, 110, 80)),
        (0.78, 46, (118, 88, 62)),
        (0.88, 60, (84, 64, 48)),
    ]
    for base, amplitude, colour in layers:
        draw.polygon(_ridge(rng, H * base, amplitude, [(1.0, 0.6), (2.3, 0.3), (5.0, 0.1)]), fill=colour)
    return _finish(image)


def mountains_dawn() -> bytes:
    """Mountain ranges at first light, each farther one paler in the haze."""
    rng = random.Random(7)  # noqa: S311 - a fixed seed draws the same picture every time
    image = _vertical_gradient(
        [(0.0, (70, 84, 140)), (0.4, (196, 160, 190)), (0.62, (252, 206, 170)), (1.0, (250, 226, 196))]
    )
    _glow(image, (int(W * 0.3), int(H * 0.6)), int(H * 0.5), (255, 236, 200), 0.7)
    layers = [
        (0.52, 170, 18, (150, 140, 178)),
        (0.62, 150, 14, (112, 108, 150)),
        (0.74, 120, 10, (74, 76, 116)),
        (0.88, 80, 6, (44, 48, 80)),
    ]
    for base, amplitude, jagged, colour in layers:
        layer = Image.new("RGBA", (W, H), (0, 0, 0, 0))
        ImageDraw.Draw(layer).polygon(
            _ridge(rng, H * base, amplitude, [(1.5, 0.5), (3.7, 0.35), (9.0, 0.15)], jagged),
            fill=(*colour, 255),
        )
        # Distant ranges are softer.
        blur = max(0, 6 - layers.index((base, amplitude, jagged, colour)) * 2)
        if blur:
            layer = _soften(layer, blur)
        image.paste(layer, (0, 0), layer)
    return _finish(image)


def open_book() -> bytes:
    """An open book on a wooden table, in warm lamplight."""
    image = _vertical_gradient([(0.0, (58, 40, 30)), (0.55, (96, 66, 44)), (1.0, (64, 42, 28))])
    _glow(image, (W // 2, int(H * 0.45)), int(H * 0.75), (255, 214, 160), 0.45)
    shadow = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).polygon(
        [(W * 0.16, H * 0.30), (W * 0.86, H * 0.30), (W * 0.90, H * 0.86), (W * 0.12, H * 0.86)],
        fill=(20, 12, 6, 150),
    )
    shadow = _soften(shadow, 40)
    image.paste(shadow, (0, 0), shadow)
    draw = ImageDraw.Draw(image)
    spine_top, spine_bottom = (W * 0.5, H * 0.27), (W * 0.5, H * 0.82)

    def page(outer_x: float, sag: float) -> list[tuple[float, float]]:
        top = [(spine_top[0] + (outer_x - spine_top[0]) * t, H * 0.24 + sag * math.sin(math.pi * t) - 30 * t) for t in
               [i / 40 for i in range(41)]]  # fmt: skip
        bottom = [(x, y + H * 0.56) for x, y in reversed(top)]
        return [*top, *bottom]

    for outer in (W * 0.17, W * 0.83):
        draw.polygon(page(outer, -18), fill=(236, 226, 204))
        draw.polygon(page(outer + (12 if outer > W / 2 else -12), -8), fill=(248, 242, 226))
    # The gutter in the middle of the spread.
    gutter = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    ImageDraw.Draw(gutter).rectangle((W * 0.485, H * 0.2, W * 0.515, H * 0.84), fill=(120, 96, 70, 120))
    gutter = _soften(gutter, 14)
    image.paste(gutter, (0, 0), gutter)
    draw = ImageDraw.Draw(image)
    draw.line([spine_top, spine_bottom], fill=(150, 124, 96), width=3)
    # Lines of text, suggested rather than written.
    rng = random.Random(3)  # noqa: S311 - a fixed seed draws the same picture every time
    for left, right in ((W * 0.22, W * 0.46), (W * 0.54, W * 0.78)):
        y = H * 0.33
        while y < H * 0.74:
            end = right - (rng.uniform(0, (right - left) * 0.5) if rng.random() < 0.2 else 0)
            draw.line([(left, y), (end, y)], fill=(150, 140, 126), width=6)
            y += 34
    return _finish(image)


def lamp() -> bytes:
    """A small oil lamp burning in the dark: a light for someone looking for a way out."""
    image = _vertical_gradient([(0.0, (14, 20, 40)), (0.7, (26, 32, 58)), (1.0, (40, 34, 44))])
    cx = W // 2 - 100
    tip = (cx + 366, H * 0.565)
    flame_centre = (int(tip[0]), int(tip[1] - 110))
    _glow(image, flame_centre, int(H * 0.8), (255, 190, 110), 0.6)
    _glow(image, flame_centre, int(H * 0.3), (255, 226, 170), 0.8)
    draw = ImageDraw.Draw(image)
    # A ledge for the lamp to stand on.
    draw.rectangle((0, H * 0.78, W, H), fill=(36, 30, 36))
    draw.line([(0, H * 0.78), (W, H * 0.78)], fill=(90, 70, 60), width=4)
    body = (166, 102, 58)
    draw.ellipse((cx - 260, H * 0.58, cx + 200, H * 0.76), fill=body)
    draw.polygon(
        [(cx + 150, H * 0.62), (cx + 360, H * 0.57), (cx + 370, H * 0.61), (cx + 170, H * 0.70)], fill=body
    )
    draw.ellipse((cx - 90, H * 0.56, cx + 30, H * 0.61), fill=(120, 72, 40))
    draw.ellipse((cx - 120, H * 0.74, cx + 60, H * 0.79), fill=(120, 72, 40))
    draw.arc((cx - 360, H * 0.59, cx - 180, H * 0.72), start=90, end=270, fill=body, width=22)
    # The flame at the tip of the spout.
    flame = [
        (tip[0] + 46 * math.sin(math.pi * t) * (1 - t) ** 0.5 * side, tip[1] - 260 * t)
        for side in (1, -1)
        for t in ([i / 30 for i in range(31)] if side == 1 else [1 - i / 30 for i in range(31)])
    ]
    glow = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    ImageDraw.Draw(glow).polygon(flame, fill=(255, 170, 80, 255))
    glow = _soften(glow, 24)
    image.paste(glow, (0, 0), glow)
    draw = ImageDraw.Draw(image)
    draw.polygon(flame, fill=(255, 214, 130))
    inner = [(tip[0] + (x - tip[0]) * 0.5, tip[1] - (tip[1] - y) * 0.55) for x, y in flame]
    draw.polygon(inner, fill=(255, 248, 220))
    return _finish(image)


def path_to_horizon() -> bytes:
    """A clear path across green spring steppe towards a bright horizon."""
    rng = random.Random(5)  # noqa: S311 - a fixed seed draws the same picture every time
    image = _vertical_gradient(
        [
            (0.0, (120, 170, 214)),
            (0.5, (206, 226, 236)),
            (0.56, (240, 238, 220)),
            (0.57, (150, 170, 110)),
            (1.0, (80, 118, 64)),
        ]
    )
    _glow(image, (int(W * 0.5), int(H * 0.55)), int(H * 0.5), (255, 246, 220), 0.6)
    draw = ImageDraw.Draw(image)
    for base, amplitude, colour in ((0.56, 14, (134, 156, 104)), (0.6, 20, (118, 146, 90))):
        draw.polygon(_ridge(rng, H * base, amplitude, [(1.2, 0.7), (3.1, 0.3)]), fill=colour)
    # The path narrows and bends slightly as it goes away.
    left, right = [], []
    for i in range(60):
        t = i / 59
        y = H - (H * 0.41) * t**0.8
        centre = W * 0.5 + 180 * math.sin(2.4 * t) * (1 - t)
        half = 300 * (1 - t) ** 1.6 + 4
        left.append((centre - half, y))
        right.append((centre + half, y))
    draw.polygon([*left, *reversed(right)], fill=(226, 210, 170))
    # Tufts of grass near the viewer.
    for _ in range(700):
        x, y = rng.uniform(0, W), rng.uniform(H * 0.72, H)
        height = rng.uniform(14, 40) * (y / H)
        draw.line([(x, y), (x + rng.uniform(-8, 8), y - height)], fill=(64, 100, 52), width=3)
    return _finish(image)


ILLUSTRATIONS: dict[str, Callable[[], bytes]] = {
    "steppe-evening": steppe_evening,
    "mountains-dawn": mountains_dawn,
    "open-book": open_book,
    "lamp": lamp,
    "path-to-horizon": path_to_horizon,
}


def illustration_render(key: str) -> bytes:
    """The JPEG bytes (1600×900) of one illustration."""
    return ILLUSTRATIONS[key]()


if __name__ == "__main__":  # pragma: no cover - a way to look at the pictures while drawing them
    import sys
    from pathlib import Path

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name, render in ILLUSTRATIONS.items():
        (folder / f"{name}.jpg").write_bytes(render())
