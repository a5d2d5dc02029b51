"""Imports every check module so that each registers its checks."""

from carepool.rules import finance_checks as finance_checks
