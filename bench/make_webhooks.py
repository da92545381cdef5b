#!/usr/bin/env python3
"""Writes N distinct signed LINE webhook requests for bench/webhook_load.sh, one per line:
"<x-line-signature>\t<raw body>". Each body holds one text-message event ("สวัสดี", which the
bot answers with its help message) with a unique webhookEventId and reply token, from one of
`--users` rotating user ids, so the bot's de-duplication never drops a request and every event
costs a Redis write, a conversation look-up and a reply to the (fake) LINE API.

usage: make_webhooks.py --secret S --count N [--users U] [--timestamp-ms MS] > file
Every event carries the same timestamp, --timestamp-ms (default: now): webhook_load.sh passes the
moment wrk starts. The bot replies while an event is younger than its reply-token lifetime (50 s)
and pushes instead after that, so an event the bot gets to more than 50 s after the run started
is pushed: the check then says processing fell behind acceptance.
"""
import argparse
import base64
import hashlib
import hmac
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--secret", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--users", type=int, default=10000)
    p.add_argument("--timestamp-ms", type=int, default=int(time.time() * 1000))
    a = p.parse_args()
    key = a.secret.encode()
    out = sys.stdout.buffer
    text = "\\u0e2a\\u0e27\\u0e31\\u0e2a\\u0e14\\u0e35"  # สวัสดี, JSON-escaped as LINE may send it
    for i in range(a.count):
        user = "U%032x" % (0xBE7C0000000000000000000000000000 + i % a.users)
        ts = a.timestamp_ms
        body = (
            '{"destination":"Ubench00000000000000000000000000","events":[{"type":"message",'
            '"message":{"type":"text","id":"%018d","quoteToken":"q%031d","text":"%s"},'
            '"webhookEventId":"01BENCH%019d","deliveryContext":{"isRedelivery":false},'
            '"timestamp":%d,"source":{"type":"user","userId":"%s"},'
            '"replyToken":"bench%027d","mode":"active"}]}'
        ) % (500000000000000000 + i, i, text, i, ts, user, i)
        raw = body.encode()
        sig = base64.b64encode(hmac.new(key, raw, hashlib.sha256).digest())
        out.write(sig + b"\t" + raw + b"\n")


if __name__ == "__main__":
    main()
