from directory.cli.main import main

raise SystemExit(main())
