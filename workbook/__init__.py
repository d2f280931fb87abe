"""Reconnect Workbook: the product's logic, importable without Jupyter.

The core (model, guidance, messages, questions, plan, steps) is pure and is handed its rules;
`content` reads data/ once at the edge; `store` and `transfer` hold the data; `ui` builds the
widgets; `cli` is the command line. docs/architecture.md draws the map.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
