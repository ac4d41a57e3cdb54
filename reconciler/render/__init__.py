"""Renderers: values in, text out. No I/O, no decisions."""
