"""The in-page pose runtime's fetch: unpacked only when the npm tarball matches its pinned integrity hash, and a
registry that cannot be reached is reported at once to later visitors instead of making each wait again."""

import base64
import hashlib
import io
import tarfile

import pytest

from movement_screen.errors import InputError
from movement_screen.pose import web_runtime


def tarball() -> bytes:
    """A package with the files the page needs (their contents stand in for the real ones)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in (*web_runtime.FILES, "package/README.md"):
            data = f"// {name}\n".encode()
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


class Registry:
    """``urllib.request.urlopen`` standing in for the npm registry: serves ``data``, or fails when it is None."""

    def __init__(self, data: bytes | None):
        self.data, self.calls = data, 0

    def __call__(self, url, timeout):
        self.calls += 1
        if self.data is None:
            raise OSError("Network is unreachable")
        return io.BytesIO(self.data)


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(web_runtime, "_failed", [])


def test_a_matching_tarball_is_unpacked_once(monkeypatch):
    data = tarball()
    monkeypatch.setattr(web_runtime, "INTEGRITY", "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode())
    registry = Registry(data)
    monkeypatch.setattr(web_runtime.urllib.request, "urlopen", registry)
    folder = web_runtime.ensure()
    assert (folder / "vision_bundle.mjs").is_file() and (folder / "wasm" / "vision_wasm_internal.wasm").is_file()
    assert not (folder / "README.md").exists()  # only the files the page needs
    assert web_runtime.ensure() == folder and registry.calls == 1


def test_a_tarball_that_does_not_match_its_hash_is_refused(monkeypatch):
    monkeypatch.setattr(web_runtime.urllib.request, "urlopen", Registry(tarball()))
    with pytest.raises(InputError, match="does not match the registry's integrity hash"):
        web_runtime.ensure()
    assert web_runtime.find() is None


def test_an_unreachable_registry_is_remembered_then_tried_again(monkeypatch):
    registry = Registry(None)
    monkeypatch.setattr(web_runtime.urllib.request, "urlopen", registry)
    clock = [1000.0]
    monkeypatch.setattr(web_runtime.time, "monotonic", lambda: clock[0])
    with pytest.raises(InputError, match="server-side camera works without it"):
        web_runtime.ensure(timeout=20)
    with pytest.raises(InputError, match="Network is unreachable"):
        web_runtime.ensure(timeout=20)  # the next visitor: told at once, no second wait
    assert registry.calls == 1
    clock[0] += web_runtime.RETRY_S + 1
    registry.data = tarball()
    monkeypatch.setattr(web_runtime, "INTEGRITY", "sha512-" + base64.b64encode(
        hashlib.sha512(registry.data).digest()).decode())
    assert (web_runtime.ensure() / "vision_bundle.mjs").is_file() and registry.calls == 2
