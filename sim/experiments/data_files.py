"""Where the scenario and sweep files are, and where results go.

In the repository the scenario and sweep files are the top-level folders
``scenarios/`` and ``sweeps/`` beside ``sim/``. An installed package (``pip
install .``) carries a copy of both inside itself, in ``sim/_data/`` (see
``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``);
the repository folders win when they exist, the packaged copy is used
otherwise, so no working directory is needed.

Results go to ``results/`` of the repository when running from it, and to
``./results`` of the current directory when installed.
"""

from __future__ import annotations

from pathlib import Path

#: The folder holding ``sim/`` (the repository, or ``site-packages`` when installed).
PROJECT_DIR = Path(__file__).resolve().parents[2]

#: Scenario and sweep files shipped inside the installed package.
PACKAGE_DATA_DIR = Path(__file__).resolve().parents[1] / "_data"


def in_repository(root: Path = PROJECT_DIR) -> bool:
    """Return whether ``sim`` runs from the repository (not an installed copy).

    Args:
        root: The folder holding ``sim/``.

    Returns:
        True when ``run.py`` and ``scenarios/`` sit beside ``sim/``.
    """
    return (root / "run.py").is_file() and (root / "scenarios").is_dir()


def data_dir(name: str, root: Path = PROJECT_DIR, packaged: Path = PACKAGE_DATA_DIR) -> Path:
    """Return the folder of the shipped ``scenarios`` or ``sweeps`` files.

    Args:
        name: ``"scenarios"`` or ``"sweeps"``.
        root: The folder holding ``sim/``.
        packaged: The packaged copy's folder.

    Returns:
        ``root/name`` when it exists (the repository), else ``packaged/name``.
    """
    repository = root / name
    return repository if repository.is_dir() else packaged / name


def results_root(root: Path = PROJECT_DIR) -> Path:
    """Return the default parent folder of results folders.

    Args:
        root: The folder holding ``sim/``.

    Returns:
        ``results/`` of the repository, or ``./results`` of the current
        directory when the package is installed.
    """
    return root / "results" if in_repository(root) else Path.cwd() / "results"
