"""The pose pass's pictures kept for the annotated video (video/kept.py): the source is decoded once, the copy is
faithful (raw up to the budget, near-lossless beyond it), private and always deleted."""

import os
from pathlib import Path

import numpy as np

from movement_screen.video import kept as kept_module
from movement_screen.video.kept import KeptFrames


def moving_square(count: int, size=(320, 180)) -> list[np.ndarray]:
    """Pictures of a bright square crossing a dark gradient, one step per picture."""
    w, h = size
    base = np.tile(np.linspace(20, 120, w, dtype=np.uint8), (h, 1))
    out = []
    for i in range(count):
        image = np.stack([base, base // 2, 255 - base], axis=2).copy()
        x = 10 + 7 * i
        image[60:110, x:x + 50] = (250, 240, 30)
        out.append(image)
    return out


def test_kept_pictures_come_back_in_order_and_unchanged():
    pictures = moving_square(40)
    kept = KeptFrames(30)
    for picture in pictures:
        kept.add(picture)
    kept.close()
    assert kept.usable and kept.count == kept.raw_count == 40 and kept.size == (320, 180)
    assert kept.encoded_path is None  # well inside the budget: nothing encoded
    back = list(kept.pictures())
    assert len(back) == 40
    for original, copy in zip(pictures, back):
        assert np.array_equal(copy, original)
    path = kept.path
    kept.discard()
    assert not Path(path).exists()


def test_beyond_the_budget_the_pictures_are_encoded_and_still_come_back_in_order(monkeypatch):
    pictures = moving_square(40)
    monkeypatch.setattr(kept_module, "RAW_BUDGET", 12 * pictures[0].nbytes)  # 12 raw, then x264
    kept = KeptFrames(30)
    for picture in pictures:
        kept.add(picture)
    kept.close()
    assert kept.usable and kept.count == 40 and kept.raw_count == 12 and Path(kept.encoded_path).is_file()
    back = list(kept.pictures())
    assert len(back) == 40
    for i, (original, copy) in enumerate(zip(pictures, back)):
        assert copy.shape == original.shape
        if i < 12:
            assert np.array_equal(copy, original)
        else:
            assert np.mean(np.abs(copy.astype(int) - original.astype(int))) < 3  # near-lossless
        # the square is where it was in this very picture (order kept across the two files)
        column = np.argmax(copy[85, :, 2] < 100)
        assert abs(column - np.argmax(original[85, :, 2] < 100)) <= 1
    paths = [kept.path, kept.encoded_path]
    kept.discard()
    assert not any(Path(p).exists() for p in paths)


def test_the_temporary_copy_is_private_and_deleted_when_dropped():
    kept = KeptFrames(25)
    kept.add(moving_square(1)[0])
    kept.close()
    path = kept.path
    assert os.stat(path).st_mode & 0o077 == 0  # a copy of a patient's video: readable by this user only
    del kept
    assert not Path(path).exists()


def test_a_failed_encoder_keeps_nothing_and_never_stops_the_pose_pass(monkeypatch):
    monkeypatch.setattr(kept_module, "RAW_BUDGET", 0)  # every picture to x264
    kept = KeptFrames(30)
    odd = np.zeros((181, 321, 3), np.uint8)  # odd sizes cannot be encoded as yuv420p
    for _ in range(30):  # more than the queues hold: add() must not block or raise
        kept.add(odd)
    kept.close()
    assert not kept.usable
    paths = [kept.path, kept.encoded_path]
    kept.discard()
    assert not any(Path(p).exists() for p in paths)


def test_a_failed_write_keeps_nothing_and_never_stops_the_pose_pass():
    kept = KeptFrames(30)
    kept.add(moving_square(1)[0])
    for _ in range(30):  # a picture of another size cannot be read back in order: the copy is given up
        kept.add(np.zeros((100, 100, 3), np.uint8))
    kept.close()
    assert not kept.usable
    kept.discard()
    assert not Path(kept.path).exists()


def test_the_copies_of_a_killed_process_are_deleted_by_the_next_analysis(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from movement_screen.video.kept import PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = [tmp_path / f"{PREFIX}{int(gone.stdout)}-abc123{suffix}" for suffix in (".rgb", ".mp4")]
    for path in dead:  # a process killed before it could delete its copy (raw pictures, and the encoded rest)
        path.write_bytes(b"frames")
    alive = tmp_path / f"{PREFIX}{os.getpid()}-def456.rgb"  # this process's own, still in use
    alive.write_bytes(b"frames")
    kept = KeptFrames(30)
    assert not any(path.exists() for path in dead) and alive.exists()
    assert Path(kept.path).parent == tmp_path and Path(kept.path).name.startswith(f"{PREFIX}{os.getpid()}-")
    kept.discard()
