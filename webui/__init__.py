"""Helpers of the Gradio app (``ui.py``): HTML rendering with all document text escaped,
safe uploads, and a read/write lock between questions and library changes."""
