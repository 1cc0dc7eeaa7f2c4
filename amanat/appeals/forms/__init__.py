"""Appeals forms: validation only (one module per area)."""
