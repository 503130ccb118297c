"""The `py-iot-node` command."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

from . import __version__
from .config import ConfigError, NodeConfig, load_config, parse_config
from .hardware.errors import HardwareError
from .hardware.names import BACKEND_SIMULATED
from .protocol import ProtocolError, validate_node_id
from .runner import run_node

_LOGGER = logging.getLogger(__name__)
EXIT_CONFIG = 2
EXIT_HARDWARE = 3

# `--simulate` without `--config`: one climate sensor and one LED, like a typical node.
DEMO_CONFIG: dict[str, object] = {
    "interval_s": 10,
    "sensors": [{"key": "climate", "name": "Climate", "model": "dht22", "pin": 4}],
    "switches": [{"key": "led", "name": "LED", "pin": 17}],
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="py-iot-node",
        description="Report DHT sensors and drive GPIO outputs of this Pi over MQTT.",
    )
    parser.add_argument("--config", type=Path, help="YAML configuration (see node.example.yaml)")
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="simulated DHT and GPIO (seeded from the node id); no hardware needed",
    )
    parser.add_argument("--host", help="broker host (overrides the configuration)")
    parser.add_argument("--port", type=int, help="broker port (overrides the configuration)")
    parser.add_argument("--node-id", help="node id (overrides the configuration)")
    parser.add_argument("--state-dir", type=Path, help="where the sample buffer lives")
    parser.add_argument("--check", action="store_true", help="check the configuration and exit")
    parser.add_argument("--log-level", default=os.environ.get("PY_IOT_NODE_LOG_LEVEL", "INFO"))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _default_state_dir(node_id: str) -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "py-iot-node" / node_id


def build_config(args: argparse.Namespace) -> NodeConfig:
    """Load the configuration and apply the command line's overrides."""
    if args.config is not None:
        config = load_config(args.config)
    elif args.simulate:
        config = parse_config(DEMO_CONFIG)
    else:
        raise ConfigError("--config is required (or --simulate for a demo node)")
    node_id = config.node_id
    if args.node_id is not None:
        try:
            node_id = validate_node_id(args.node_id)
        except ProtocolError as err:
            raise ConfigError(str(err)) from err
    state_dir = config.state_dir
    if args.state_dir is not None:
        state_dir = args.state_dir
    elif args.config is None:
        state_dir = _default_state_dir(node_id)
    simulated = args.simulate
    return dataclasses.replace(
        config,
        node_id=node_id,
        name=node_id if config.name == config.node_id else config.name,
        mqtt=dataclasses.replace(
            config.mqtt,
            host=config.mqtt.host if args.host is None else args.host,
            port=config.mqtt.port if args.port is None else args.port,
        ),
        dht_backend=BACKEND_SIMULATED if simulated else config.dht_backend,
        gpio_backend=BACKEND_SIMULATED if simulated else config.gpio_backend,
        state_dir=state_dir,
    )


def install_signal_handlers(stop: threading.Event) -> None:
    """Make SIGTERM (systemd stop) and SIGINT (Ctrl-C) end the run cleanly."""

    def handle(_signum: int, _frame: FrameType | None) -> None:
        # Nothing but the event: a handler that logs can interrupt the main thread's own
        # write to stderr, fail with "reentrant call" and never stop (seen in CI). The
        # runner logs the stop once the loop has ended.
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `py-iot-node`; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = build_config(args)
    except ConfigError as err:
        _LOGGER.error("configuration error: %s", err)  # noqa: TRY400
        return EXIT_CONFIG
    if args.check:
        print(f"configuration OK: node {config.node_id}")
        return 0
    stop = threading.Event()
    install_signal_handlers(stop)
    try:
        run_node(config, stop)
    except HardwareError as err:
        _LOGGER.error("hardware error: %s (use --simulate to run without it)", err)  # noqa: TRY400
        return EXIT_HARDWARE
    return 0
