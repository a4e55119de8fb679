from hanji.app import main

raise SystemExit(main())
