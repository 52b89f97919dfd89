"""Key performance indicators: definitions, computation, comparators and reporting."""
