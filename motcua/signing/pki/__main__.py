"""``python -m motcua.signing.pki materialise|serve``: see the package docstring."""

from __future__ import annotations

import argparse
import signal
import sys

from . import DEFAULT_URL, default_dir, materialise, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m motcua.signing.pki")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("materialise", help="write keys, certificates and pki.json")
    make.add_argument("--dir", default=str(default_dir()))
    make.add_argument("--url", default=DEFAULT_URL, help="where the OCSP/CRL/TSA services will be served")
    run = sub.add_parser("serve", help="serve the OCSP responder, CRLs and TSA over local HTTP")
    run.add_argument("--dir", default=str(default_dir()))
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=None, help="default: the port of the PKI's URL")
    opts = parser.parse_args(argv)
    if opts.command == "materialise":
        pki = materialise(opts.dir, url=opts.url)
        print(f"test PKI written to {pki.dir} (services at {pki.url})")
        return
    server = serve(opts.dir, opts.host, opts.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"test PKI services listening on http://{opts.host}:{server.server_port}", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
