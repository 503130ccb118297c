"""Build the brand logos from the icon: the house and "Py IoT Home" in bold, in two lines.

Home Assistant shows a device page's logo a few dozen pixels high: a name in thin text on
one line beside the house came out unreadably small, so the text fills the logo's height.
`script/run python script/brand_images.py` rewrites brand/{,dark_}logo{,@2x}.png.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parent.parent / "custom_components" / "py_iot_home" / "brand"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LINES = ("Py IoT", "Home")
DARK_TEXT = (33, 33, 33, 255)
LIGHT_TEXT = (225, 225, 225, 255)  # for dark themes


def logo(height: int, text_color: tuple[int, int, int, int]) -> Image.Image:
    """The icon at `height`, the name beside it; trimmed, as Home Assistant's brand rules ask."""
    house = Image.open(BRAND / "icon@2x.png").convert("RGBA").resize((height, height))
    font = ImageFont.truetype(FONT, int(height * 0.36))
    measure = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    text_width = max(int(measure.textbbox((0, 0), line, font=font)[2]) for line in LINES)
    gap = int(height * 0.08)
    image = Image.new("RGBA", (height + gap + text_width, height), (0, 0, 0, 0))
    image.alpha_composite(house)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(LINES):
        draw.text(
            (height + gap, int(height * (0.06 + 0.46 * number))), line, font=font, fill=text_color
        )
    return image.crop(image.getchannel("A").getbbox())


def main() -> None:
    """Write the four logos."""
    for prefix, color in (("", DARK_TEXT), ("dark_", LIGHT_TEXT)):
        for suffix, height in (("", 200), ("@2x", 400)):
            logo(height, color).save(BRAND / f"{prefix}logo{suffix}.png", optimize=True)


if __name__ == "__main__":
    main()
