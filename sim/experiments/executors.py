"""Where the runs of a sweep are computed: serially, in a process pool, or on Dask.

Every executor has the same small interface, a context manager with
``imap_unordered(fn, items)`` that yields ``fn(item)`` for each item as the
results come in (in any order), keeping only a bounded number of items in
flight so that memory does not grow with the number of runs. Results do not
depend on the executor: each run is seeded by its own integer seed.

* ``serial``: in this process, one after the other.
* ``pool``: a local pool of worker processes started with ``fork`` (the
  default; workers ignore Ctrl-C, which the parent handles, and end with
  their parent however it ends: ``kill -9`` or ``SIGTERM`` included).
* ``dask``: a Dask distributed cluster, either an existing scheduler
  (``scheduler="tcp://HOST:PORT"`` or a scheduler file written by ``dask
  scheduler --scheduler-file``, whose workers must be able to import ``sim``:
  start them from the project folder) or a ``LocalCluster`` of worker
  processes bound to 127.0.0.1, speaking TLS with temporary credentials, each
  with a stated memory limit (``DASK_WORKER_MEMORY`` by default).

``map_chunked`` runs a list of tasks in small chunks, serially or in a pool,
with a progress bar: the runs of ``sim.experiments.replications`` and ``sim.analysis.validation``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from sim.experiments.inputs.limits import shorten

#: Executor names accepted by ``make_executor`` and ``run.py sweep --executor``.
EXECUTORS: tuple[str, ...] = ("serial", "pool", "dask")

#: Workers of a Dask LocalCluster when none is asked for.
DASK_LOCAL_WORKERS = 2

#: Seconds to wait for a Dask scheduler to answer.
DASK_CONNECT_TIMEOUT = 20

#: Memory limit of each worker of a Dask LocalCluster when none is asked for.
#: Measured (README, "National sweeps on Dask"): a 2-worker LocalCluster
#: running national runs one at a time peaked at about 0.6 GB resident per
#: worker; 2 GiB leaves room for a national run of five levels (issue 28 caps
#: it at 2 GB) without the nanny restarting a worker.
DASK_WORKER_MEMORY = "2GiB"

#: Memory left to the client process and the operating system when checking
#: that a LocalCluster's workers fit into the machine's available memory.
DASK_CLIENT_RESERVE = "0.5GiB"


class ExecutorError(RuntimeError):
    """An executor could not be started (e.g. no Dask scheduler at the address)."""


def _ignore_sigint() -> None:
    """Pool initializer: leave Ctrl-C to the parent process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: ``prctl`` option asking the kernel to signal a process when its parent ends (Linux).
PR_SET_PDEATHSIG = 1

#: Seconds between two checks of a worker's parent where ``prctl`` is missing.
PARENT_CHECK_SECONDS = 1.0


def _end_with_parent(parent: int) -> None:
    """Make this worker process end when ``parent`` ends, however it ends.

    A parent killed by ``kill -9`` or ``SIGTERM`` runs no clean-up, and its
    forked workers would live on (each holding a model in memory). On Linux
    the kernel sends the worker ``SIGKILL`` when its parent ends
    (``prctl(PR_SET_PDEATHSIG)``, through ctypes); elsewhere a daemon thread
    checks every second whether the parent is still the same process.
    """
    if os.getppid() != parent:  # the parent ended before this worker started
        os._exit(1)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it ended in between
                    os._exit(1)
                return
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass

    def watch() -> None:  # pragma: no cover - platforms without prctl
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init_pool_worker(
    initializer: Callable[..., None] | None, initargs: tuple[Any, ...], parent: int | None = None
) -> None:
    """Pool initializer: end with the parent, leave Ctrl-C to it, run ``initializer(*initargs)``."""
    if parent is not None:
        _end_with_parent(parent)
    _ignore_sigint()
    if initializer is not None:
        initializer(*initargs)


class SerialExecutor:
    """Run every item in this process, in order."""

    name = "serial"

    def __init__(self) -> None:
        self.slots = 1

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` for each item, in order."""
        for item in items:
            yield fn(item)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for the manifest."""
        return {"executor": self.name, "workers": 1}


class PoolExecutor:
    """A local pool of forked worker processes.

    Args:
        workers: Processes (default ``os.cpu_count()``).
        window: Items in flight per worker (submitted but not yet returned).
        initializer: Called as ``initializer(*initargs)`` in every worker when
            it starts; with ``fork`` the arguments are inherited, not pickled.
        initargs: Arguments of ``initializer``.
    """

    name = "pool"

    def __init__(
        self,
        workers: int | None = None,
        window: int = 2,
        *,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        self.slots = int(workers or os.cpu_count() or 1)
        if self.slots < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.window = window
        self.initializer = initializer
        self.initargs = tuple(initargs)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> PoolExecutor:
        self._executor = ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_pool_worker,
            initargs=(self.initializer, self.initargs, os.getpid()),
        )
        # With fork every worker starts at the first submit: do it now, before a
        # progress bar starts its monitor thread (forking a threaded process is unsafe).
        # numpy's idle BLAS threads make Python warn about fork; that is expected.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*multi-threaded.*fork\(\)")
            self._executor.submit(os.getpid).result()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if exc_type is not None:
            # Ctrl-C or a failed run: do not wait for the work in flight.
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
            executor.shutdown(wait=True, cancel_futures=True)
        else:
            executor.shutdown(wait=True)

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` for each item as it finishes (``window`` per worker in flight)."""
        if self._executor is None:
            raise RuntimeError("use the executor in a with statement")
        todo = iter(items)
        pending: set[Any] = set()
        limit = self.slots * self.window
        while True:
            for item in todo:
                pending.add(self._executor.submit(fn, item))
                if len(pending) >= limit:
                    break
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for the manifest."""
        return {"executor": self.name, "workers": self.slots, "start_method": "fork"}


@contextlib.contextmanager
def _children_ignore_sigint() -> Iterator[None]:
    """Let processes started inside ignore Ctrl-C (the parent stops them itself).

    An ignored signal stays ignored across ``exec``, and Python installs its own
    Ctrl-C handler only where the signal is not ignored; so worker processes
    started here do not print tracebacks when the terminal sends Ctrl-C to the
    whole process group.
    """
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _http_config(dashboard: bool) -> dict[str, Any]:
    """Dask settings of the local cluster's HTTP servers.

    Dask's scheduler and workers always open an HTTP server; without the
    dashboard it serves nothing (no routes), so that neither the dashboard
    nor the pages listing workers and tasks answer another local process.
    """
    if dashboard:
        return {}
    return {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}


class DaskExecutor:
    """A Dask distributed cluster: an existing scheduler or a local cluster.

    The local cluster's workers each get a memory limit (``memory_limit``,
    default ``DASK_WORKER_MEMORY``): Dask's nanny restarts a worker that
    passes 95% of it, and Dask runs its tasks again elsewhere (a run is a pure
    function of its seed, so the result is the same). The cluster is refused
    before it starts when the workers' limits together do not fit into the
    machine's available memory. An external scheduler's workers have the
    limits they were started with (``dask worker --memory-limit``).

    The local cluster is locked down: its scheduler and workers talk TLS with
    temporary credentials made for this cluster only
    (``distributed.security.Security.temporary()``), so another process on
    the machine cannot connect to it and run code in its workers; its
    dashboard is off unless ``dashboard`` is true. An external scheduler is
    used as given; for ``tls://`` addresses the client's credentials come
    from Dask's configuration (``distributed.comm.tls.ca-file``,
    ``...client.cert``, ``...client.key``, e.g. the environment variables
    ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE`` and so on).

    Args:
        scheduler: Address of a running scheduler (``tcp://HOST:PORT`` or
            ``tls://HOST:PORT``); ``None`` starts a ``LocalCluster`` on 127.0.0.1
            (unless ``scheduler_file`` is given).
        workers: Worker processes of the local cluster (default 2); ignored
            with an external scheduler.
        window: Items in flight per worker thread.
        dashboard: Start the local cluster's dashboard on 127.0.0.1 (a free port).
        memory_limit: Memory limit of each local worker, bytes or a size such
            as ``"2GiB"`` (default ``DASK_WORKER_MEMORY``); ignored with an
            external scheduler.
        scheduler_file: A scheduler file (JSON with the scheduler's address,
            written by ``dask scheduler --scheduler-file``) instead of ``scheduler``.
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        window: int = 2,
        *,
        dashboard: bool = False,
        memory_limit: int | str | None = None,
        scheduler_file: str | os.PathLike[str] | None = None,
    ):
        from dask.utils import parse_bytes

        if scheduler and scheduler_file:
            raise ValueError("give a scheduler address or a scheduler file, not both")
        self.scheduler = scheduler
        self.scheduler_file = os.fspath(scheduler_file) if scheduler_file else None
        self.workers = int(workers or DASK_LOCAL_WORKERS)
        self.window = window
        self.dashboard = dashboard
        limit = DASK_WORKER_MEMORY if memory_limit is None else memory_limit
        self.memory_limit = int(parse_bytes(limit) if isinstance(limit, str) else limit)
        if self.memory_limit <= 0:
            raise ValueError(f"memory_limit must be positive, got {memory_limit!r}")
        self.peak_memory: list[int] = []
        self.security: Any = None
        self.slots = self.workers
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        import logging

        import dask
        from distributed import Client, LocalCluster
        from distributed.security import Security

        if not self.external:
            check_memory_fits(self.workers, self.memory_limit)
        try:
            if self.external:
                self.security = Security()  # TLS credentials from Dask's configuration
                self._client = Client(
                    self.scheduler,
                    scheduler_file=self.scheduler_file,
                    timeout=DASK_CONNECT_TIMEOUT,
                    security=self.security,
                )
            else:
                self.security = Security.temporary()
                with _children_ignore_sigint(), dask.config.set(_http_config(self.dashboard)):
                    self._cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        memory_limit=self.memory_limit,
                        host="127.0.0.1",
                        protocol="tls://",
                        security=self.security,
                        dashboard_address="127.0.0.1:0",  # a free port, never 8787
                        scheduler_kwargs={"dashboard": self.dashboard},
                        silence_logs=logging.ERROR,
                    )
                self._client = Client(self._cluster, security=self.security)
                from dask.utils import format_bytes

                print(
                    f"Dask LocalCluster: {self.workers} worker{'s' if self.workers != 1 else ''}"
                    f", memory limit {format_bytes(self.memory_limit)} each",
                    file=sys.stderr,
                )
                if self.dashboard:
                    link = self._cluster.dashboard_link
                    print(f"Dask dashboard (this machine only): {link}", file=sys.stderr)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            self.__exit__(None)
            where = self.scheduler or (
                f"the scheduler file {shorten(self.scheduler_file, 120)}"
                if self.scheduler_file
                else "a local cluster on 127.0.0.1"
            )
            raise ExecutorError(
                f"could not start Dask with {where}: {shorten(str(exc), 300)}. Check that the "
                "scheduler is running (dask scheduler), that the address is tcp://HOST:PORT "
                "(or tls://HOST:PORT with TLS credentials in Dask's configuration)."
            ) from None
        threads = sum(self._client.nthreads().values())
        self.slots = max(1, threads)
        return self

    @property
    def external(self) -> bool:
        """Whether the scheduler was started elsewhere (an address or a scheduler file)."""
        return bool(self.scheduler or self.scheduler_file)

    def measure_peak_memory(self) -> list[int]:
        """Ask every worker for its peak resident memory so far; keep and return it.

        The peak is the worker process's ``ru_maxrss`` (the operating system's
        high-water mark of resident memory, what a memory limit bounds), in
        bytes, sorted, without worker addresses. A worker restarted after a
        death reports its new process only.
        """
        if self._client is None:
            return self.peak_memory
        with contextlib.suppress(Exception):
            peaks = self._client.run(_peak_rss_bytes)
            self.peak_memory = sorted(int(v) for v in peaks.values())
        return self.peak_memory

    def __exit__(self, *exc: object) -> None:
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=10)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)

    def imap_unordered(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` for each item as it finishes; a bounded number in flight."""
        from distributed import as_completed

        if self._client is None:
            raise RuntimeError("use the executor in a with statement")
        todo = iter(items)
        limit = self.slots * self.window
        first = [
            self._client.submit(fn, item, pure=False) for item in itertools.islice(todo, limit)
        ]
        if not first:
            return
        queue = as_completed(first)
        try:
            for future in queue:
                result = _dask_result(future)
                future.release()
                for item in todo:
                    queue.add(self._client.submit(fn, item, pure=False))
                    break
                yield result
        except BaseException:
            with contextlib.suppress(Exception):
                self._client.cancel(list(queue.futures))
            raise

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for the manifest (no host addresses are recorded)."""
        info: dict[str, Any] = {
            "executor": self.name,
            "cluster": "remote scheduler" if self.external else "LocalCluster (127.0.0.1)",
            "worker_threads": self.slots,
        }
        if not self.external:
            info["worker_memory_limit_bytes"] = self.memory_limit
        if self.peak_memory:
            info["worker_peak_rss_bytes"] = list(self.peak_memory)
        return info


def _peak_rss_bytes() -> int:
    """This process's peak resident memory in bytes (run in each Dask worker)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return int(peak if sys.platform == "darwin" else peak * 1024)


def check_memory_fits(workers: int, memory_limit: int) -> None:
    """Refuse a local cluster whose workers' memory limits exceed the available memory.

    Args:
        workers: Worker processes.
        memory_limit: Memory limit of each, in bytes.

    Raises:
        ExecutorError: When ``workers * memory_limit`` plus ``DASK_CLIENT_RESERVE``
            is more than the memory the machine has available now.
    """
    import psutil  # a dependency of distributed
    from dask.utils import format_bytes, parse_bytes

    available = int(psutil.virtual_memory().available)
    needed = workers * memory_limit + int(parse_bytes(DASK_CLIENT_RESERVE))
    if needed > available:
        raise ExecutorError(
            f"a Dask local cluster of {workers} worker{'s' if workers != 1 else ''} with "
            f"{format_bytes(memory_limit)} each needs {format_bytes(needed)} (with "
            f"{DASK_CLIENT_RESERVE} for this process), but this machine has "
            f"{format_bytes(available)} available. Use fewer workers (--workers) or less "
            "memory per worker (--worker-memory, e.g. 1GiB: a national run peaks near "
            "0.6 GB), or run on a cluster (--scheduler / --scheduler-file)."
        )


def _dask_result(future: Any) -> Any:
    """``future.result()``, with repeated worker deaths said in one paragraph.

    Dask retries a task whose worker died (``distributed.scheduler.allowed-failures``
    times, 3 by default) and then gives up with ``KilledWorker``: the worker
    processes died running it, most often for lack of memory, or were killed
    from outside. That is a condition of the machine, not a bug.
    """
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        import dask

        allowed = getattr(exc, "allowed_failures", None)
        if not isinstance(allowed, int):
            allowed = dask.config.get("distributed.scheduler.allowed-failures", 3)
        task = shorten(str(getattr(exc, "task", "") or "a task"), 80)  # no worker address
        raise ExecutorError(
            f"Dask workers died {int(allowed) + 1} times running the same batch of runs "
            f"(task {task}), so Dask gave up on it. A worker dies when it runs "
            "out of memory (lower the runs per batch, the departments or the months, or give "
            "each worker more memory) or when it is killed from outside. The runs finished "
            "before are kept; run the same command again to resume."
        ) from None


def make_executor(
    kind: str = "pool",
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    dashboard: bool = False,
    memory_limit: int | str | None = None,
    scheduler_file: str | os.PathLike[str] | None = None,
) -> SerialExecutor | PoolExecutor | DaskExecutor:
    """Return an executor by name.

    Args:
        kind: ``serial``, ``pool`` or ``dask``.
        workers: Processes of the pool or of a local Dask cluster.
        scheduler: Dask scheduler address (``dask`` only).
        dashboard: Start the dashboard of a local Dask cluster (``dask`` only).
        memory_limit: Memory limit per worker of a local Dask cluster (``dask`` only).
        scheduler_file: Dask scheduler file (``dask`` only).

    Returns:
        An executor, to be used in a ``with`` statement.

    Raises:
        ValueError: For an unknown kind, or a scheduler given for another kind.
    """
    if kind not in EXECUTORS:
        raise ValueError(f"unknown executor {kind!r}; choose one of {', '.join(EXECUTORS)}")
    if (scheduler or scheduler_file) and kind != "dask":
        raise ValueError("a scheduler address is used only with the dask executor")
    if kind == "serial":
        return SerialExecutor()
    if kind == "pool":
        return PoolExecutor(workers)
    return DaskExecutor(
        scheduler,
        workers,
        dashboard=dashboard,
        memory_limit=memory_limit,
        scheduler_file=scheduler_file,
    )


# ------------------------------------------------------------- chunked runs

# The task function and its shared arguments in each worker of ``map_chunked``,
# set by ``_init_chunk_worker`` (inherited through fork: nothing is pickled).
_CHUNK_TASK: tuple[Callable[..., Any], tuple[Any, ...]] | None = None


def _init_chunk_worker(fn: Callable[..., Any], shared: tuple[Any, ...]) -> None:
    global _CHUNK_TASK
    _CHUNK_TASK = (fn, shared)


def _run_chunk_in_worker(chunk: Sequence[Any]) -> list[Any]:
    if _CHUNK_TASK is None:
        raise RuntimeError("the worker was not initialized by map_chunked")
    fn, shared = _CHUNK_TASK
    return [fn(task, *shared) for task in chunk]


def chunk_size(tasks: int, workers: int) -> int:
    """Tasks per chunk: at most 4, about 4 chunks per worker.

    Small chunks keep a progress bar moving; a run takes far longer than a message.
    """
    return max(1, min(4, math.ceil(tasks / (workers * 4))))


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    """Split ``items`` into lists of ``size`` (the last may be shorter)."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def map_chunked(
    fn: Callable[..., Any],
    tasks: Sequence[Any],
    shared: tuple[Any, ...] = (),
    *,
    workers: int,
    chunksize: int | None = None,
    progress: bool = True,
    desc: str | None = None,
    unit: str = "run",
) -> list[Any]:
    """Return ``fn(task, *shared)`` for every task, with a progress bar on stderr.

    The tasks go in chunks of ``chunksize`` (default ``chunk_size``) to a
    ``PoolExecutor`` of ``min(workers, number of chunks)`` forked processes, or
    run in this process, in order, when that is 1. In a pool ``fn`` and
    ``shared`` reach the workers through fork (they need not be picklable;
    each task and result is pickled), and the results come in the order they
    finish: callers that need an order sort them. Ctrl-C or an error stops
    the workers at once.

    Args:
        fn: Called as ``fn(task, *shared)``; returns one result per task.
        tasks: The tasks.
        shared: Further arguments of every call (e.g. the scenarios).
        workers: Processes, at least 1.
        chunksize: Tasks per message to a worker.
        progress: Show the progress bar.
        desc: Label of the progress bar.
        unit: Unit of the progress bar.

    Returns:
        One result per task.
    """
    from tqdm import tqdm  # here: ``run.py --help`` imports this module for EXECUTORS

    if chunksize is None:
        chunksize = chunk_size(len(tasks), workers)
    parts = chunks(tasks, chunksize)
    workers = min(workers, len(parts))
    executor: SerialExecutor | PoolExecutor
    if workers <= 1:
        executor = SerialExecutor()

        def run(chunk: Sequence[Any]) -> list[Any]:
            return [fn(task, *shared) for task in chunk]

    else:
        executor = PoolExecutor(workers, initializer=_init_chunk_worker, initargs=(fn, shared))
        run = _run_chunk_in_worker
    results: list[Any] = []
    # The pool starts its workers on entering, before the bar starts its monitor thread.
    with executor:
        bar_options = {"disable": not progress, "file": sys.stderr, "unit": unit, "desc": desc}
        with tqdm(total=len(tasks), **bar_options) as bar:
            for done in executor.imap_unordered(run, parts):
                results.extend(done)
                bar.update(len(done))
    return results
