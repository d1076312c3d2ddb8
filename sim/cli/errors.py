"""One error path for every command: a paragraph and exit status 2, or a bug report.

:func:`guarded` runs a command. What a user can cause (a bad file or folder,
an option out of range, an output location that cannot be written or is
full, an unreachable scheduler, a request too large for the machine) is
printed as one paragraph ``error: ...`` on stderr, at most
:data:`MAX_MESSAGE_CHARS` characters (long values shortened in the middle),
and gives exit status 2, without a traceback; so does a command whose
optional libraries are not installed (the message names the extra to
install, ``sim.cli.extras``). Anything else is a bug: the message says so
and where to report it, the traceback goes to a file, and the exit status
is 1.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from sim.experiments.inputs.limits import os_problem, shorten

#: Longest message printed for an error.
MAX_MESSAGE_CHARS = 1_500

#: Where bugs are reported.
REPORT_BUGS_TO = (
    "the project's issue tracker (the repository this copy was cloned from), with the "
    "command line and the traceback file"
)


def user_error_types() -> tuple[type[BaseException], ...]:
    """The exceptions that describe a user's input (loaded on first use)."""
    from sim.experiments.executors import ExecutorError
    from sim.experiments.folder_lock import FolderLockedError
    from sim.experiments.inputs.folder_reads import FolderFileError
    from sim.experiments.inputs.limits import InputFileError, TooLargeError
    from sim.experiments.inputs.parameter_checks import ScenarioError
    from sim.experiments.output_checks import OutputLocationError
    from sim.experiments.results import OutputExistsError

    types: list[type[BaseException]] = [
        ScenarioError,
        InputFileError,
        TooLargeError,
        OutputLocationError,
        OutputExistsError,
        ExecutorError,
        FolderLockedError,
        FolderFileError,
    ]
    try:  # the reporting layer is loaded only when a command needed it
        report = sys.modules.get("sim.reporting.report")
        if report is not None:
            types.append(report.ReportError)
    except AttributeError:  # pragma: no cover
        pass
    return tuple(types)


class CommandInterrupted(KeyboardInterrupt):
    """Ctrl-C, with what the command kept (printed instead of a generic line)."""


@contextlib.contextmanager
def kept_on_interrupt(message: str) -> Iterator[None]:
    """Turn Ctrl-C inside into :class:`CommandInterrupted` saying ``message``.

    For the work after a command's runs (summaries, report, images): the
    runs are on disk, so "nothing was kept" would be false.
    """
    try:
        yield
    except CommandInterrupted:
        raise
    except KeyboardInterrupt:
        raise CommandInterrupted(message) from None


def print_error(message: object) -> int:
    """Print ``error: MESSAGE`` as one bounded paragraph on stderr; return 2."""
    text = " ".join(str(message).split())
    print("error: " + shorten(text, MAX_MESSAGE_CHARS), file=sys.stderr)
    return 2


def describe_os_error(exc: OSError) -> str:
    """One paragraph for an operating-system error while reading or writing."""
    where = f" {shorten(str(exc.filename), 160)}" if exc.filename else ""
    problem = os_problem(exc)
    if exc.errno in (28, 122):  # ENOSPC, EDQUOT
        return (
            f"cannot write{where}: {problem}. Files are written whole or not at all, so "
            "what finished before is intact; free some space and run the same command "
            "again (a sweep resumes where it stopped)."
        )
    return (
        f"cannot read or write{where}: {problem}. Check the path, its permissions and the "
        "space left on the device."
    )


def guarded(command: Callable[[Any], int], args: Any) -> int:
    """Run ``command(args)``; turn what a user caused into exit status 2, a bug into 1.

    Args:
        command: The command's function.
        args: Its parsed arguments.

    Returns:
        The command's exit status, 2 for bad input, 1 for a bug.
    """
    try:
        return command(args)
    except KeyboardInterrupt:
        raise
    except BrokenPipeError:
        # The reader of our output went away (e.g. `run.py list --parameters | head`):
        # not an error; silence the final flush of stdout.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OverflowError:
        return print_error(
            "a number given is too large for the computation (overflow); use smaller "
            "values (see 'python run.py COMMAND --help' for the ranges)."
        )
    except MemoryError:
        return print_error(
            "the request needs more memory than this machine has; lower the replications, "
            "months, departments or the size of the sweep design."
        )
    except RecursionError:
        return print_error(
            "an input is nested too deeply to be read; scenario and sweep files need only "
            "a few levels of lists and mappings."
        )
    except Exception as exc:  # noqa: BLE001 - sorted below: user input or a bug
        from sim.cli.extras import missing_extra_message

        missing = missing_extra_message(exc, getattr(args, "command", None))
        if missing is not None:  # an optional part not installed: say which extra
            return print_error(missing)
        try:
            user_errors = user_error_types()
        except Exception:  # noqa: BLE001 - a broken installation is a bug too
            return _bug(exc)
        if isinstance(exc, user_errors):
            return print_error(exc)
        if isinstance(exc, OSError):
            return print_error(describe_os_error(exc))
        return _bug(exc)


def _bug(exc: BaseException) -> int:
    """Report an unexpected exception as a bug: where it happened and where to report it."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    saved = ""
    try:
        with tempfile.NamedTemporaryFile(
            "w", prefix="egov-sim-bug-", suffix=".txt", delete=False, encoding="utf-8"
        ) as handle:
            handle.write("".join(traceback.format_exception(exc)))
        saved = f" The traceback is in {handle.name}."
    except OSError:
        pass
    message = shorten(" ".join(f"{type(exc).__name__}: {exc}".split()), 300)
    print(
        f"internal error (a bug, not a problem with your input): {message}{where}.{saved} "
        f"Please report it to {REPORT_BUGS_TO}.",
        file=sys.stderr,
    )
    return 1
