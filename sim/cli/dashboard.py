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
        "Works offline. Stop it with Ctrl-C.",
        epilog="example: python run.py dashboard --port 8050 --lang zh",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default 8050)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this computer only; 0.0.0.0 opens it to "
        "the network)",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language at start")


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the dashboard until Ctrl-C."""
    from sim.cli.extras import require

    require("dash")
    from sim.dashboard.app import serve

    print(f"Dashboard: http://{args.host}:{args.port}/  (Ctrl-C stops it)")
    serve(host=args.host, port=args.port, lang=args.lang)
    return 0
