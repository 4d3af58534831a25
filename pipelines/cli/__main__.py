"""`python -m pipelines.cli …`: the same as `ghg …`."""

import sys

from pipelines.cli import main

sys.exit(main())
