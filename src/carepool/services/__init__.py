"""Use cases over the store: plans, versions, checks, audit, finance. The faces call only these.

Each change is one unit of work (``units.write``): one transaction that writes its events to the
hash-chained audit trail and is retried if another writer committed first. Reads return plain
dataclasses with ``to_dict()`` for JSON.
"""
