"""``python -m carepool``: the same as the ``carepool`` command."""

from carepool.cli import main

main()
