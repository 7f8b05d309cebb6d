"""Overlay text is drawn once: its dark outline hugs the letters instead of showing as a second, offset copy."""

import numpy as np

from movement_screen.video.annotate import draw_text


def extent(mask: np.ndarray) -> tuple[int, int]:
    cols = np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(cols[-1])


def test_the_outline_of_a_verdict_line_ends_where_its_letters_end():
    import cv2

    for size in (0.5, 0.8, 1.2):
        image = np.full((120, 1400, 3), 128, np.uint8)
        draw_text(cv2, image, "thigh below horizontal -0.40 thigh lengths", (20, 70), size)
        letters = extent((image > 200).all(axis=2))
        outline = extent((image < 40).all(axis=2))
        assert outline[0] >= letters[0] - 4 * size - 2, size
        assert outline[1] <= letters[1] + 4 * size + 2, size  # the old thick stroke ran ~25 px past the text
