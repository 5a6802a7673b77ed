"""Use cases: load rows, call the domain, commit, write the audit log."""
