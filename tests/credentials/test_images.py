"""Generated badge artwork is a valid 512 px PNG and SVG for every kind of achievement."""

import io

import defusedxml.ElementTree as SafeElementTree
import pytest
from PIL import Image

from credentials import images
from credentials.images import AchievementKind

LONG_NAME = "Supercalifragilisticexpialidocious Explorer of Every Museum and Park in Town " * 3


@pytest.mark.parametrize("kind", list(AchievementKind))
def test_png_is_512_square(kind: AchievementKind) -> None:
    data = images.badge_png("Night at the Museum", "Lisboa", kind)
    with Image.open(io.BytesIO(data)) as picture:
        picture.verify()
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.format == "PNG"
        assert picture.size == (512, 512)
        # The kind's colour is really there, not a blank image.
        colours = {colour for _, colour in picture.convert("RGB").getcolors(1 << 20) or []}
        primary = tuple(int(images.PALETTES[kind].primary[i : i + 2], 16) for i in (1, 3, 5))
        assert primary in colours


@pytest.mark.parametrize("kind", list(AchievementKind))
def test_svg_is_valid_xml_with_the_texts(kind: AchievementKind) -> None:
    data = images.badge_svg("Noite & <Museu>", "Lisboa", kind)
    root = SafeElementTree.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "512"
    texts = "".join(root.itertext())
    assert "Noite & <Museu>" in texts
    assert "LISBOA" in texts


def test_long_names_are_wrapped_to_fit() -> None:
    layout = images._layout(LONG_NAME, "Cidade de Aprendizagem de Lisboa")
    assert 1 <= len(layout.name_lines) <= 3
    assert layout.name_lines[-1].endswith("…")
    for line in layout.name_lines:
        assert images._text_width(line, layout.name_size) <= 330
    assert images.badge_png(LONG_NAME, "Lisboa", "playlist").startswith(b"\x89PNG")
