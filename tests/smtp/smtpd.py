#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A small SMTP server for the tests: stores what it receives in a maildir.

    /usr/bin/python3 tests/smtp/smtpd.py --port-file F --maildir D [--port N]
        [--tls-cert C --tls-key K] [--auth USER:PASS] [--reject-rcpt ADDR]...

Listens on 127.0.0.1, on a port the system picks (or N, to come back on the same port
after being stopped), and writes that port to F once it accepts connections (F appears
whole: written aside, then renamed).  Each message
lands in D/new/ as received, after two added headers: X-Envelope-From (the MAIL FROM
address) and X-Envelope-To (the RCPT TO addresses, comma-separated).  With a
certificate, STARTTLS is offered and required before MAIL; with --auth, AUTH (PLAIN,
LOGIN) is required, over TLS when there is a certificate.  --reject-rcpt refuses that
recipient with a 550.  Runs until killed (SIGTERM or SIGINT).

Needs aiosmtpd (Debian: python3-aiosmtpd).
"""
import argparse
import asyncio
import os
import signal
import ssl
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class MaildirHandler:
    def __init__(self, maildir, rejected):
        self.maildir = maildir
        self.rejected = {a.lower() for a in rejected}
        self.count = 0
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        head = "X-Envelope-From: <%s>\r\nX-Envelope-To: %s\r\n" % (
            envelope.mail_from, ", ".join("<%s>" % a for a in envelope.rcpt_tos))
        self.store(head.encode("ascii") + envelope.original_content)
        return "250 2.0.0 Message accepted for delivery"

    def store(self, data):
        # The maildir protocol: whole in tmp/, then renamed into new/.
        self.count += 1
        name = "%d.P%dQ%d.smtpd" % (time.time(), os.getpid(), self.count)
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.maildir, "new", name))


def authenticator(credentials):
    user, _, password = credentials.partition(":")

    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        # handled=False: aiosmtpd then answers the failure itself (535); with its
        # default, True, it would say nothing and the client would wait forever.
        return AuthResult(success=ok, handled=False)
    return check


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--reject-rcpt", action="append", default=[], metavar="ADDR")
    args = parser.parse_args()

    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    handler = MaildirHandler(args.maildir, args.reject_rcpt)
    options = dict(hostname="localhost", tls_context=context,
                   require_starttls=context is not None)
    if args.auth:
        options.update(authenticator=authenticator(args.auth), auth_required=True,
                       auth_require_tls=context is not None)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, loop=loop, **options), host="127.0.0.1", port=args.port))
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(args.port_file + ".tmp", args.port_file)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()


if __name__ == "__main__":
    main()
