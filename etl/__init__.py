"""Incremental load from the vaccination platform into the reporting warehouse."""
