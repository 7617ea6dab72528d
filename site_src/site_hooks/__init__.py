"""The MkDocs hooks' work, one job per module; site_src/hooks.py wires them to MkDocs's events."""
