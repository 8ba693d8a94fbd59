"""`python -m optimizer.web [--host H] [--port N] [--token T] [--open]`: the same as `smartpick serve`."""

import argparse
import os
import sys

from optimizer.errors import SmartPickError
from optimizer.web.server import serve


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m optimizer.web", description="SmartPick's local web app.")
    parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default: this computer only).")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token", default=None, help="Access token (required, and made up if not given, for any "
                                                      "host but 127.0.0.1).")
    parser.add_argument("--open", dest="open_browser", action="store_true", help="Open the page in a browser.")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, args.token, args.open_browser)
    except KeyboardInterrupt:  # end now: a request may still be solving in a thread Python would wait for
        print("SmartPick stopped (Ctrl-C).", file=sys.stderr, flush=True)
        sys.stdout.flush()
        os._exit(130)
    except (OSError, SmartPickError) as error:
        raise SystemExit(f"Error: {error}")


if __name__ == "__main__":
    main()
