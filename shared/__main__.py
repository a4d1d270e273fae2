"""python -m shared init | admin grant NAME | admin revoke NAME | users | bridge

Works from either app's environment, against DATABASE_URL (default: instance/store.db)."""

import argparse
import logging
import sys
from datetime import timedelta

from shared.errors import StoreError
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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
