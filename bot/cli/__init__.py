"""The `motcua` command line: main.py lists the sub-command modules (each has register())."""
