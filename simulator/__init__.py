"""Synthetic stand-in for the national COVID-19 vaccination platform (Nam Định, 2021-2022).

The simulator writes the source schema described in the project's platform contract: sites,
citizens, session plans, visits, certificates, AEFI reports, vaccines, stores, the stock ledger
and the sites' own stock reports. Everything is derived from a seed, a start date and a scale;
the state of the platform as of a day T is a pure function of those three values and T.
"""

__version__ = "1.0.0"
