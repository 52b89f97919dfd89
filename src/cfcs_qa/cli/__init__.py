"""The command line: the only place that prints, reads options and sets exit codes."""
