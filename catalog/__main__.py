"""`python -m catalog FORM -o OUT.toml`: turn an opleidingsplan form into a catalog file."""

from catalog.importer import main

raise SystemExit(main())
