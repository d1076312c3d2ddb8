"""Entry point of the e-government governance simulation: ``python run.py [command]``.

Everything is in ``sim.cli.main`` (``python run.py --help`` lists the commands).
"""

import sys

from sim.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
