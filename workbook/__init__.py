"""Reconnect Workbook: the product's logic, importable without Jupyter.

The core (model, guidance, messages, content) is pure; `store` and `transfer` hold the data;
`ui` builds the widgets; `cli` is the command line.
"""

__version__ = "0.1.0"
