"""The `soudan` command: run the appservice, write its registration, check a config."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Config

USAGE = """usage: soudan <command> [options]

commands:
  run                     run the appservice (-c config.yaml; --allow-empty-database to start
                          on a new database although the bot already has rooms)
  generate-registration   fill in the config's secrets and write the homeserver registration
                          (-c config.yaml -r registration.yaml)
  check-config            validate a config file, print warnings and exit (-c config.yaml)
  bootstrap               on a new homeserver: create the first platform admin (password in
                          SOUDAN_ADMIN_PASSWORD) and make the bot a server admin
                          (-c config.yaml --homeserver-config homeserver.yaml)
"""


def _config_args(
    prog: str, registration: bool = False, homeserver: bool = False
) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"soudan {prog}")
    parser.add_argument("-c", "--config", default="config.yaml", metavar="<path>")
    if registration:
        parser.add_argument("-r", "--registration", default="registration.yaml", metavar="<path>")
    if homeserver:
        parser.add_argument("--homeserver-config", required=True, metavar="<path>")
    return parser.parse_args(sys.argv[2:])


def _load(path: str) -> Config:
    from .config import Config, ConfigError

    try:
        return Config.load(path)
    except ConfigError as e:
        print(f"soudan: {e}", file=sys.stderr)
        sys.exit(2)


def _bootstrap(args: argparse.Namespace) -> None:
    from .bootstrap import BootstrapError, bootstrap, shared_secret_of

    config = _load(args.config)
    password = os.environ.get("SOUDAN_ADMIN_PASSWORD", "")
    if not password:
        print("soudan: SOUDAN_ADMIN_PASSWORD is not set", file=sys.stderr)
        sys.exit(2)
    try:
        done = bootstrap(config, shared_secret_of(Path(args.homeserver_config)), password)
    except (BootstrapError, OSError) as e:
        print(f"soudan: {e}", file=sys.stderr)
        sys.exit(1)
    print("; ".join(done))


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        from .program import SoudanProgram

        sys.argv = [f"{sys.argv[0]} run", *sys.argv[2:]]
        SoudanProgram().run()
    elif command == "generate-registration":
        from .registration import write_registration

        args = _config_args(command, registration=True)
        config = _load(args.config)
        write_registration(config, args.registration)
        print(f"Wrote {args.registration}; add it to app_service_config_files in homeserver.yaml")
    elif command == "check-config":
        args = _config_args(command)
        config = _load(args.config)
        for warning in config.warnings():
            print(f"soudan: warning: {warning}", file=sys.stderr)
        print(f"{args.config}: OK")
    elif command == "bootstrap":
        _bootstrap(_config_args(command, homeserver=True))
    else:
        print(USAGE, file=sys.stderr if command not in ("-h", "--help") else sys.stdout)
        sys.exit(0 if command in ("-h", "--help") else 2)


if __name__ == "__main__":
    main()
