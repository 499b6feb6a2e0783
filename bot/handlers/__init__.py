"""Chat handlers, one module per audience; every module here is imported by the core."""
