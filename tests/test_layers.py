"""Data flows one way: the lower layers never import the higher ones (the result contract sits at the bottom)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "movement_screen"
LOWER = ("contract", "video", "pose", "kinematics")  # measurement: frames, poses, cleaned series, the contract
HIGHER = {"screens", "care", "store", "report", "app", "batch", "validation", "session", "api", "cli", "rescore",
          "samples"}  # judging, advice, records, presenters and front ends
BOTTOM = {"errors", "quiet", "__init__"}


def imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("movement_screen"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("movement_screen"))
    parts = {n.split(".")[1] for n in names if n.count(".") >= 1}
    return {p for p in parts if (PACKAGE / p).is_dir() or (PACKAGE / f"{p}.py").exists()}


def test_lower_layers_import_no_higher_one():
    wrong = []
    for layer in LOWER:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            found = imported_layers(path)
            above = found & HIGHER if layer != "contract" else found - BOTTOM - {"contract"}
            wrong += [f"{path.relative_to(PACKAGE)} imports {other}" for other in sorted(above)]
    assert not wrong, wrong
