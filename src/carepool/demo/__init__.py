"""Demo plans (a unitary city and a two-tier county) and the synthetic national set."""
