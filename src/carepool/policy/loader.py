"""Find and load the policy packs shipped inside the package."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from carepool.policy.schema import PolicyPack


class PackError(ValueError):
    """A pack that is missing or does not match the schema."""


def _pack_dir() -> Path:
    return Path(str(resources.files("carepool.policy") / "packs"))


def list_packs() -> list[str]:
    return sorted(p.stem for p in _pack_dir().glob("*.toml"))


def parse_pack(text: str, origin: str) -> PolicyPack:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{origin}: not valid TOML: {exc}") from exc
    try:
        pack = PolicyPack.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise PackError(f"{origin}: {problems}") from exc
    return pack


@cache
def load_pack(pack_id: str) -> PolicyPack:
    path = _pack_dir() / f"{pack_id}.toml"
    if not path.is_file():
        raise PackError(f"no policy pack {pack_id!r}; known packs: {', '.join(list_packs())}")
    pack = parse_pack(path.read_text(encoding="utf-8"), path.name)
    if pack.id != pack_id:
        raise PackError(f"{path.name}: id {pack.id!r} does not match its file name")
    return pack
