"""The use cases, one module per verb: each reads the config, calls edges and core, returns values."""
