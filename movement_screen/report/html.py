"""The clinic report's HTML twin: one self-contained file (images inlined), no scripts, no web fonts."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

STYLE = """
body{font-family:DejaVu Sans,Arial,sans-serif;font-size:13px;max-width:900px;margin:1.5em auto;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:1.2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.4em 0}td,th{border:1px solid #ccc;padding:2px 5px;
text-align:left;vertical-align:top}th{background:#e1e1e1}.pass{background:#d6f0da}.borderline{background:#fcecc8}
.fail{background:#f8d7d7}.alert{padding:.5em;margin:.5em 0;font-weight:bold}.danger{background:#f8d7d7}
.warn{background:#fcecc8}.info{background:#deeaf8}figure{display:inline-block;margin:0 .5em .5em 0}
figcaption{font-size:11px;font-style:italic}img{max-height:300px;max-width:100%}.ex{margin:.6em 0}
.meta td:first-child{font-weight:bold;width:8em}
"""
STATE_CLASS = {"pass": "pass", "borderline": "borderline", "fail": "fail"}


def write_html(blocks: list[tuple], path: Path) -> Path:
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Movement screen report</title>",
             f"<style>{STYLE}</style></head><body>"]
    for block in blocks:
        kind = block[0]
        if kind == "title":
            parts.append(f"<h1>{escape(block[1])}</h1>")
        elif kind == "meta":
            rows = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in block[1])
            parts.append(f"<table class='meta'>{rows}</table>")
        elif kind == "alert":
            parts.append(f"<div class='alert {block[1]}'>{escape(block[2])}</div>")
        elif kind == "heading":
            parts.append(f"<h2>{escape(block[1])}</h2>")
        elif kind == "text":
            parts.append(f"<p>{escape(block[1])}</p>")
        elif kind == "bullets":
            parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in block[1]) + "</ul>")
        elif kind == "table":
            _, headers, rows, _, state_col = block
            head = "".join(f"<th>{escape(h)}</th>" for h in headers)
            body = ""
            for cells in rows:
                tds = ""
                for i, c in enumerate(cells):
                    cls = STATE_CLASS.get(c) if i == state_col else None
                    tds += f"<td class='{cls}'>" if cls else "<td>"
                    tds += f"{escape(str(c))}</td>"
                body += f"<tr>{tds}</tr>"
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
        elif kind == "images":
            for image_path, caption in block[1]:
                data = base64.b64encode(Path(image_path).read_bytes()).decode("ascii")
                mime = "image/png" if str(image_path).lower().endswith(".png") else "image/jpeg"
                parts.append(f"<figure><img src='data:{mime};base64,{data}' alt='{escape(caption)}'>"
                             f"<figcaption>{escape(caption)}</figcaption></figure>")
        elif kind == "exercise":
            ex = block[1]
            steps = "".join(f"<li>{escape(s)}</li>" for s in ex["steps"])
            cautions = f"<br>Caution: {escape(' '.join(ex['cautions']))}" if ex["cautions"] else ""
            parts.append(f"<div class='ex'><b>{escape(ex['name'])}</b> ({escape(ex['category'])}; "
                         f"{escape(ex['dose_text'])})<br><i>Why: {escape(ex['why'])}. Evidence {ex['evidence']}."
                         f"</i><ol>{steps}</ol>Easier: {escape(ex['easier'])} Harder: {escape(ex['harder'])}"
                         f"{cautions}</div>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
