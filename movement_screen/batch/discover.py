"""Find the videos under a folder, by content as well as by name."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from movement_screen.errors import InputError
from movement_screen.video.sniff import sniff

VIDEO_EXTENSIONS = {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".ts", ".mts", ".m2ts",
                    ".3gp", ".wmv", ".flv", ".ogv"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"}
AUDIO_EXTENSIONS = {".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus"}
NAME_LIMIT = 80
LETTERS = str.maketrans({"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "ß": "ss", "Ł": "L",
                         "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th"})  # letters NFKD does not split


@dataclass(frozen=True)
class Found:
    videos: list[Path]  # sorted; a file named like a video is kept even when its content is not (it fails clearly)
    ignored: Counter  # what else was there, by kind: image, audio, other


def find_videos(root: Path, exclude: Path | None = None) -> Found:
    """Every video under ``root`` (recursively; hidden files and folders and ``exclude`` are skipped)."""
    root = Path(root)
    if not root.exists():
        raise InputError(f"'{root}' does not exist: give the folder that holds the videos")
    if root.is_file():
        return Found([root], Counter())
    skip = exclude.resolve() if exclude is not None else None
    videos, ignored = [], Counter()
    for folder, dirs, files in os.walk(root, onerror=None, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = here / name
            suffix = path.suffix.lower()
            if suffix in VIDEO_EXTENSIONS or sniff(path):
                videos.append(path)
            elif suffix in IMAGE_EXTENSIONS:
                ignored["image"] += 1
            elif suffix in AUDIO_EXTENSIONS:
                ignored["audio"] += 1
            else:
                ignored["other"] += 1
    return Found(sorted(videos), ignored)


def content_hash(path: Path) -> str:
    """BLAKE2b of the file's bytes (hex, 32 characters): the same video under any name has the same hash."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(relative: Path) -> str:
    """A folder name for a video's results: readable ASCII from its path, plus a short hash of the full path so
    that the same file name in different folders (or names differing only in accents) never collide."""
    text = "__".join(relative.with_suffix("").parts) or "video"
    ascii_text = unicodedata.normalize("NFKD", text.translate(LETTERS)).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._-")[:NAME_LIMIT] or "video"
    tag = hashlib.blake2b(relative.as_posix().encode(), digest_size=4).hexdigest()
    return f"{readable}-{tag}"
