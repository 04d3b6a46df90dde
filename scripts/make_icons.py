"""Draw the site's raster icons and link-preview image from the shapes of static/img/favicon.svg.

Run from the project folder when the icon changes: .venv/bin/python scripts/make_icons.py
Writes static/img/favicon.ico (16, 32, 48 px), icon-180.png, icon-192.png, icon-512.png and
og-image.png (1200 x 630). The preview image's Chinese needs a CJK font (WenQuanYi Micro Hei,
Debian package fonts-wqy-microhei).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parent.parent / "static" / "img"
RED = (163, 38, 42, 255)
WHITE = (255, 255, 255, 255)
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SUPERSAMPLE = 8


def draw_icon(draw, left, top, size, rounded=True):
    """The favicon's 32-unit drawing at (left, top), ``size`` pixels wide."""
    unit = size / 32
    box = [left, top, left + size - 1, top + size - 1]
    if rounded:
        draw.rounded_rectangle(box, radius=6 * unit, fill=RED)
    else:
        draw.rectangle(box, fill=RED)
    points = [(left + x * unit, top + y * unit) for x, y in ((8, 22), (13, 12), (18, 18), (24, 9))]
    width = round(3 * unit)
    draw.line(points, fill=WHITE, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        radius = width / 2
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=WHITE)
    cx, cy, radius = left + 24 * unit, top + 9 * unit, 2.5 * unit
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=WHITE)


def icon(size, rounded=True):
    big = Image.new("RGBA", (size * SUPERSAMPLE,) * 2, (0, 0, 0, 0))
    draw_icon(ImageDraw.Draw(big), 0, 0, size * SUPERSAMPLE, rounded)
    return big.resize((size, size), Image.LANCZOS)


def preview():
    width, height = 1200, 630
    scale = 2
    image = Image.new("RGBA", (width * scale, height * scale), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width * scale, 24 * scale], fill=RED)
    draw_icon(draw, 90 * scale, 195 * scale, 240 * scale)
    big = ImageFont.truetype(FONT, 120 * scale)
    small = ImageFont.truetype(FONT, 64 * scale)
    draw.text((390 * scale, 190 * scale), "新質圖譜", font=big, fill=RED)
    draw.text((395 * scale, 350 * scale), "Xinzhi Atlas", font=small, fill=(30, 30, 30, 255))
    return image.resize((width, height), Image.LANCZOS).convert("RGB")


def main():
    icon(256).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # Home-screen icons are square: the platform rounds their corners itself.
    for size in (180, 192, 512):
        icon(size, rounded=False).save(STATIC / f"icon-{size}.png", optimize=True)
    preview().save(STATIC / "og-image.png", optimize=True)


if __name__ == "__main__":
    main()
