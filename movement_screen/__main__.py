from movement_screen.cli import main

raise SystemExit(main())
