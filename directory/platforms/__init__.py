"""Platform adapters: one module per platform, found through `registry`."""
