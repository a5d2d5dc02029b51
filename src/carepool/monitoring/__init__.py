"""Quarterly monitoring: the quarterly return, the in-year cycle (release, position, settlement) and the
board's exception report."""
