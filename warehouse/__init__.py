"""The reporting warehouse: schema, engine set-up and reference dimensions.

This package is the contract between `etl/` (which writes) and `queries/` (which reads).
"""
