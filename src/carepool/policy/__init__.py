"""Policy packs: one data file per policy year, validated on load."""

from carepool.policy.loader import PackError, list_packs, load_pack
from carepool.policy.schema import PolicyPack

__all__ = ["PackError", "PolicyPack", "list_packs", "load_pack"]
