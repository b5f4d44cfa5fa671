"""The window (PySide6 + qasync): the only package that imports Qt. It shows; core decides."""
