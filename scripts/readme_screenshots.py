"""Regenerate the README's terminal pictures: runs real commands on the demo data, saves SVGs in docs/."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

SHOTS = {
    "payments": ["finance", "payments", "demo-brackenford-2015-16"],
    "check": ["check", "demo-wealdshire-2015-16"],
}


def main() -> None:
    docs = Path(__file__).resolve().parent.parent / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "COLUMNS": "118",
            "FORCE_COLOR": "1",
            "CAREPOOL_DATABASE_URL": f"sqlite:///{tmp}/demo.db",
        }
        subprocess.run(["carepool", "demo"], env=env, check=True, capture_output=True)
        for name, args in SHOTS.items():
            done = subprocess.run(["carepool", *args], env=env, capture_output=True, text=True)
            with open(os.devnull, "w") as sink:
                console = Console(record=True, width=118, file=sink)
                console.print(Text.from_ansi(f"$ carepool {' '.join(args)}\n" + done.stdout + done.stderr))
            console.save_svg(str(docs / f"screenshot-{name}.svg"), title="carepool")
            print(f"docs/screenshot-{name}.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
