"""Optional parts of the package: which extra installs a module, and the message when missing.

``pip install egov-governance-abm`` installs a small core (``run``,
``compare``, ``sweep``, ``summarize``, ``report``, ``list``, ``validate``,
``where-it-loses``). The other commands import their libraries only when they
run (``[project.optional-dependencies]`` in ``pyproject.toml``): the
dashboard needs Dash, ``calibrate`` pyabc, ``discover`` the EMA Workbench,
``--executor dask`` Dask, ``validate-model`` statsmodels. When such a module
is missing, :func:`missing_extra_message` names the extra to install, and
:func:`sim.cli.errors.guarded` prints it as one line with exit status 2.
Commands call :func:`require` first, so they stop before any run.
"""

from __future__ import annotations

import importlib.util

#: The distribution name, as ``pip install`` spells it.
DISTRIBUTION = "egov-governance-abm"

#: Top-level module -> the extra of ``pyproject.toml`` that installs it.
EXTRA_OF_MODULE = {
    "dash": "dashboard",
    "waitress": "dashboard",  # the WSGI server the dashboard is served by
    "pyabc": "calibration",
    "ema_workbench": "discovery",
    "dask": "dask",
    "distributed": "dask",
    "cryptography": "dask",  # TLS certificates of a local Dask cluster
    "statsmodels": "validation",
}


def missing_extra_message(exc: BaseException, command: str | None = None) -> str | None:
    """Return the one-line message for a missing optional module, or None.

    Args:
        exc: The exception a command raised.
        command: The command's name (``dashboard``), for the message.

    Returns:
        ``"<command> needs <module> ...: pip install 'egov-governance-abm[<extra>]'"``
        when ``exc`` is a :class:`ModuleNotFoundError` for a module of an
        extra, else None (anything else missing is a broken installation).
    """
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    module = exc.name.split(".")[0]
    extra = EXTRA_OF_MODULE.get(module)
    if extra is None:
        return None
    what = f"'{command}'" if command else "this command"
    return (
        f"{what} needs the optional package {module}, which is not installed; install it "
        f"with: pip install '{DISTRIBUTION}[{extra}]' (or '{DISTRIBUTION}[all]' for every "
        "command)"
    )


def require(*modules: str) -> None:
    """Stop a command before it runs anything when an optional module is missing.

    Args:
        *modules: Top-level modules the command needs (keys of :data:`EXTRA_OF_MODULE`).

    Raises:
        ModuleNotFoundError: For the first module not installed (``guarded`` turns it
            into the one-line message naming the extra).
    """
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
