"""`python -m jxfed` is the `jxfed` command."""

import sys

from jxfed.cli import main

sys.exit(main())
