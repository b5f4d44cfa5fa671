"""Part writing: the plan every part follows (bars, sections, chords) and one module per part.

Each part reads one ``PartContext`` (``context.py``) instead of a long argument list, and draws from the
piece's single random generator, so the order in ``compose.py`` calls them is part of the result.
"""
