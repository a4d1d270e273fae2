"""python -m shared init | admin grant NAME | admin revoke NAME | users | bridge | keys ...

Works from either app's environment, against DATABASE_URL (default: instance/store.db);
`keys` (v2's signing keys) from .venv-v2, against JWT_KEYRING."""

import argparse
import logging
import os
import sys
from datetime import timedelta

from shared import keyring
from shared.errors import ConfigError, StoreError
from shared.security_log import log_event
from shared.store import Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create the tables (both apps also do this at start)")
    admin = commands.add_parser("admin", help="grant or revoke the admin flag")
    admin.add_argument("action", choices=["grant", "revoke"])
    admin.add_argument("username")
    commands.add_parser("users", help="list users")
    commands.add_parser("bridge", help="who used a legacy (Flask-JWT) token at v2, lately")
    keys = commands.add_parser("keys", help="v2's signing keys (the file JWT_KEYRING names)")
    steps = keys.add_subparsers(dest="step", required=True)
    first = steps.add_parser("init", help="start a keyring; JWT_SECRET_KEY's tokens keep working")
    first.add_argument("--alg", choices=keyring.ALGORITHMS, default="ES256")
    first.add_argument("--unkeyed-days", type=float, default=keyring.LONGEST_TOKEN.days,
                       help="how long tokens without a kid still verify (default: 30)")
    steps.add_parser("list", help="every key, its state, since when")
    added = steps.add_parser("add", help="a new key: published, verifying, not signing yet")
    added.add_argument("--alg", choices=keyring.ALGORITHMS, default="ES256")
    for name, what in [("promote", "make a next key sign"),
                       ("retire", "stop a key verifying")]:
        step = steps.add_parser(name, help=what)
        step.add_argument("kid")
        step.add_argument("--force", action="store_true", help="even if users are logged out")
    ending = steps.add_parser("end-unkeyed", help="refuse tokens from before the keyring")
    ending.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "keys":
        return run_keys(args)

    with Store() as store:
        store.init_schema()
        return run(store, args)


def run(store: Store, args: argparse.Namespace) -> int:
    try:
        if args.command == "init":
            print(f"initialised {store.engine.url.render_as_string(hide_password=True)}")
        elif args.command == "admin":
            user = store.set_admin(args.username, args.action == "grant")
            log_event("authz_change", "cli", level=logging.WARNING, userid=user.id,
                      is_admin=user.is_admin)
            print(f"{user.username} (id {user.id}): is_admin={user.is_admin}")
        elif args.command == "bridge":
            users, uses, last = store.legacy_use_since(timedelta(hours=24))
            seen = f"{last:%Y-%m-%d %H:%M:%S} UTC" if last else "never"
            print(f"legacy tokens in the last 24 h: {users} user(s), {uses} use(s); "
                  f"last seen: {seen}")
            # Refused tokens apart: an old token nobody can use must not keep the bridge open.
            refused = store.legacy_refusals_since(timedelta(hours=24))
            reasons = ", ".join(f"{reason} {count}" for reason, count in refused.items())
            print(f"refused legacy tokens in the last 24 h: {sum(refused.values())}"
                  + (f" ({reasons})" if reasons else ""))
        else:
            for user in store.list_users():
                flag = "admin" if user.is_admin else "-"
                print(f"{user.id:>5}  {flag:5}  {user.username}")
    except StoreError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 1
    return 0


def run_keys(args: argparse.Namespace) -> int:
    path = os.environ.get("JWT_KEYRING")
    if not path:
        print("error: set JWT_KEYRING to the keyring's path (the same as the app's)",
              file=sys.stderr)
        return 2
    source = keyring.KeyringFile(path)
    try:
        with source.locked():
            if args.step == "init":
                if source.path.exists():
                    raise keyring.KeyringError(f"{path} exists: `keys list` to see it")
                ring, did = keyring.init(os.environ.get("JWT_SECRET_KEY", ""), args.alg,
                                         args.unkeyed_days)
            elif args.step == "list":
                print(keyring.listing(source.ring()))
                return 0
            elif args.step == "add":
                ring, did = keyring.add(source.ring(), args.alg)
            elif args.step == "promote":
                ring, did = keyring.promote(source.ring(), args.kid, args.force)
            elif args.step == "retire":
                ring, did = keyring.retire(source.ring(), args.kid, args.force)
            else:
                ring, did = keyring.end_unkeyed(source.ring(), args.force)
            source.write(ring)
    except (keyring.KeyringError, ConfigError) as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a folder that does not exist, no permission
        print(f"refused: {path}: {e.strerror}", file=sys.stderr)
        return 1
    log_event("key_change", "cli", level=logging.WARNING, step=args.step,
              kid=getattr(args, "kid", None))
    print(did)
    return 0


if __name__ == "__main__":
    sys.exit(main())
