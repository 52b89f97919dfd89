"""The audit store and the monthly audit cycle after Day 1.

``schema`` (tables), ``store`` (open_store, transactions, change log), ``migrations``,
``cycle_dates`` (Day 1, due date, PIM and governance dates), ``status`` (what ``audits
status`` shows) and ``changes`` (reassign, withdraw, replace).
"""
