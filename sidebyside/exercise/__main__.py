from sidebyside.exercise.starters import main

raise SystemExit(main())
