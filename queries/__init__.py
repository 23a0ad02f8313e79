"""Every read the dashboard and the exports make, on the warehouse marts.

Plain functions taking a connection, a scope and a period and returning tidy DataFrames.
No Streamlit here.
"""

from queries.scope import Period, Scope, ScopeError, data_bounds, resolve_scope

__all__ = ["Period", "Scope", "ScopeError", "data_bounds", "resolve_scope"]
