"""Reading a chart back from its picture (a browser screenshot or a PDF page rendered by pdftoppm)."""

from PIL import Image

RED = (0xA4, 0x16, 0x1A)  # this year's bars and dots
GREEN = (0x1B, 0x7F, 0x3B)  # a unit that improved: the dumbbell's line


def _close(pixel, colour, tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=False))


def horizontal_runs(image: Image.Image, colour: tuple, *, tolerance: int = 40, min_length: int = 3) -> list[dict]:
    """The marks of one colour, top to bottom: each as its first and last row and the widest extent (left, right)
    of that colour within those rows."""
    rgb = image.convert("RGB")
    pixels, (width, height) = rgb.load(), rgb.size
    marks, current = [], None
    for y in range(height):
        xs = [x for x in range(width) if _close(pixels[x, y], colour, tolerance)]
        if len(xs) >= min_length:
            if current is None:
                current = {"top": y, "bottom": y, "left": xs[0], "right": xs[-1]}
            else:
                current.update(bottom=y, left=min(current["left"], xs[0]), right=max(current["right"], xs[-1]))
        elif current is not None:
            marks.append(current)
            current = None
    if current is not None:
        marks.append(current)
    return marks
