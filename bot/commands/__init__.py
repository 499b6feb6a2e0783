"""Sub-commands of `motcua`: each module here has register(subparsers) and is found by bot.cli."""
