"""Pages of the measures app, one module per area."""
