"""The finance engine: minimums, flows, cross-subsidy, performance payments, risk share, savings."""
