"""``run.py dashboard``: the interactive dashboard on a local port."""

from __future__ import annotations

import argparse

#: Port of the dashboard when none is given.
DEFAULT_PORT = 8050


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` command to the command-line parser."""
    p = sub.add_parser(
        "dashboard",
        help="open the interactive dashboard (a local web app) in your browser",
        description="Serve the dashboard on http://127.0.0.1:PORT/: pick two designs, move "
        "levers and key uncertainties with sliders, run paired replications with progress, "
        "and see the outcomes over time with 95% bands, the paired differences, the forest "
        "plot and a sharing network, in English or Chinese; download the results folder. "
        "Works offline. Served by Waitress; every request is checked on the server (run "
        "sizes, parameter ranges, design names, and a Host/Origin check). Stop it with Ctrl-C.",
        epilog="example: python run.py dashboard --port 8050 --lang zh",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default 8050)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this computer only; 0.0.0.0 opens it to "
        "the network)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a further host name the dashboard answers (requests naming any other host are "
        "refused, against DNS rebinding; the loopback names and --host are always allowed); "
        "repeat for several, e.g. this machine's name with --host 0.0.0.0",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language at start")


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until Ctrl-C."""
    from sim.cli.extras import require

    require("dash", "waitress")
    from sim.dashboard.app import serve

    print(f"Dashboard: http://{args.host}:{args.port}/  (Ctrl-C stops it)")
    serve(host=args.host, port=args.port, lang=args.lang, allow_hosts=args.allow_host)
    return 0
