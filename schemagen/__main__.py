"""``python -m schemagen``."""

from schemagen.cli.main import main

raise SystemExit(main())
