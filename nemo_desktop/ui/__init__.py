"""The window (PySide6 + qasync): the only package that imports Qt. It shows; core decides."""

from nemo_desktop.ui.compat import pin_singletons

pin_singletons()
