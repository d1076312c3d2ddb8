"""The package's version: ``sim.__version__``, ``egov-sim --version``.

Kept equal to ``version`` in ``pyproject.toml`` and ``__version__`` in
``sim/__init__.py`` (written there too, so that ``import sim`` loads nothing;
``tests/test_package.py`` checks the three agree).
"""

#: Version of the package.
VERSION = "0.1.0"
