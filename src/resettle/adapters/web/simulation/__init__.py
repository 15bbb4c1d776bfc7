"""The forecast pages: the operation simulator's stored runs, for analysts (aggregates only)."""
