"""Use cases over the store: plans, versions, checks, audit. The faces call only these."""
