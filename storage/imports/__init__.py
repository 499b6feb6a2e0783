"""Importing CSV/XLSX files into the store (import-format.md)."""
