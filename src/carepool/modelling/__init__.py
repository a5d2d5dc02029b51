"""Financial modelling: named scenarios and a Monte Carlo probability model of emergency admissions.

Money stays Decimal; NumPy only ever holds counts and ratios (see ``montecarlo``).
"""
