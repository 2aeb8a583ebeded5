"""``python -m schemagen``."""

from .cli import main

raise SystemExit(main())
