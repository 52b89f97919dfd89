"""Tier 2 sampling: the population on Day 1, proportionate draws, matching auditors, and the
audit toolkit workbooks (practice standards, writer, reader)."""
