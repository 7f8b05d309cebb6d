"""MediaPipe's web pose landmarker (``@mediapipe/tasks-vision``, Apache-2.0) for the in-page capture.

The browser runs the same pose model as the server, from the app's own address: this module fetches the npm
package once (pinned version, checked against the registry's SHA-512 integrity) into the cache beside the
models, and the app serves its JavaScript bundle and WebAssembly files from there. It is fetched like the model
(``movement-screen models ensure``), not committed: the WebAssembly is 13 MB.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import time
import urllib.request
from pathlib import Path

from movement_screen.errors import InputError
from movement_screen.pose.models import cache_dir

PACKAGE = "@mediapipe/tasks-vision"
VERSION = "1.1.0"
LICENCE = "Apache-2.0"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/tasks-vision-{VERSION}.tgz"
INTEGRITY = "sha512-ZJqh0wMKOINorfSffvDAxzyO1//c+FiG3IkzOdNDnLqvBB3DbMfj0bB/tys2SNf9S914sgoIbIpF4HTOi336cg=="
# What the page needs: the ES module and the SIMD WebAssembly build (every browser with WebAssembly SIMD: Chrome
# 91+, Firefox 89+, Safari 16.4+), plus the no-SIMD build the loader falls back to on older ones.
FILES = ("package/vision_bundle.mjs", "package/wasm/vision_wasm_internal.js",
         "package/wasm/vision_wasm_internal.wasm", "package/wasm/vision_wasm_nosimd_internal.js",
         "package/wasm/vision_wasm_nosimd_internal.wasm", "package/package.json")  # licence: package.json


def runtime_dir() -> Path:
    return cache_dir().parent / "web" / f"tasks-vision-{VERSION}"


def find() -> Path | None:
    folder = runtime_dir()
    return folder if (folder / "vision_bundle.mjs").is_file() and (folder / "wasm").is_dir() else None


RETRY_S = 600.0  # after a failed fetch, the next visitors are told at once; the registry is tried again after this
_failed: list = []  # [monotonic time, message] of the last failed fetch in this process
# (visitors arriving together before the first failure is recorded each wait for it: at most a few, once)


def ensure(timeout: float = 120.0) -> Path:
    """The unpacked runtime folder, fetched from the npm registry the first time. A failed fetch is remembered for
    RETRY_S, so a server without the registry does not keep each visitor of the camera page waiting ``timeout``."""
    found = find()
    if found:
        return found
    if _failed and time.monotonic() - _failed[0] < RETRY_S:
        raise InputError(_failed[1])
    try:
        with urllib.request.urlopen(TARBALL, timeout=timeout) as reply:
            data = reply.read()
    except OSError as exc:
        message = (f"could not fetch {PACKAGE} {VERSION} from the npm registry ({exc}): the in-page camera needs it "
                   "once (`movement-screen models ensure-web`); the server-side camera works without it")
        _failed[:] = [time.monotonic(), message]
        raise InputError(message) from None
    _failed.clear()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        message = f"the fetched {PACKAGE} {VERSION} does not match the registry's integrity hash"
        _failed[:] = [time.monotonic(), message]
        raise InputError(message)
    folder = runtime_dir()
    part = folder.with_name(folder.name + ".part")
    part.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.name in FILES:
                target = part / member.name.removeprefix("package/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    part.rename(folder)
    return folder
