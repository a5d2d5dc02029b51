"""Imports every check module so that each registers its checks."""

from carepool.rules import credibility_checks as credibility_checks
from carepool.rules import finance_checks as finance_checks
from carepool.rules import governance_checks as governance_checks
from carepool.rules import performance_checks as performance_checks
from carepool.rules import scheme_checks as scheme_checks
