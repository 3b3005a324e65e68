"""`python -m devnet`: see devnet/cli.py."""

import sys

from devnet.cli import main

sys.exit(main())
