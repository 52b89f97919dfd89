"""The Tier 2 sample: who is in the population, who audits, the seeded proportionate draw, the
maximum matching of cases to auditors, and the toolkit workbooks.

``population`` (Day 1 population), ``auditors`` (available auditors, conflicts), ``draw``
(exclusions, the draw) with ``quotas`` (year-to-date largest remainder), ``match`` (maximum
bipartite matching), ``changes`` (family-contact flags, replacement draws), ``seeding`` (the
generator and its documented order of use), ``run`` / ``stored`` / ``writing`` (what
``cfcs-qa sample`` runs: store in one transaction); ``toolkit_*`` and ``standards`` (the
workbooks).
"""
