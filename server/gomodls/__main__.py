from gomodls.cli import main

raise SystemExit(main())
