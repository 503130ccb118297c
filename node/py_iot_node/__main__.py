"""Run the agent with `python -m py_iot_node`."""

from .cli import main

raise SystemExit(main())
