#!/usr/bin/env python3
"""Writes N distinct signed LINE webhook requests for bench/webhook_load.sh, one per line:
"<x-line-signature>\t<raw body>". Each body holds one text-message event ("สวัสดี", which the
bot answers with its help message) with a unique webhookEventId and reply token, from one of
`--users` rotating user ids, so the bot's de-duplication never drops a request and every event
costs a Redis write, a conversation look-up and a reply to the (fake) LINE API.

usage: make_webhooks.py --secret S --count N [--users U] [--spread-ms MS] > file
Timestamps run from now to now + spread-ms, roughly when each event will be sent, so that the
bot still replies (it pushes instead once a reply token is older than its lifetime, 50 s).
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
    p.add_argument("--spread-ms", type=int, default=30000)
    a = p.parse_args()
    key = a.secret.encode()
    start = int(time.time() * 1000)
    out = sys.stdout.buffer
    text = "\\u0e2a\\u0e27\\u0e31\\u0e2a\\u0e14\\u0e35"  # สวัสดี, JSON-escaped as LINE may send it
    for i in range(a.count):
        user = "U%032x" % (0xBE7C0000000000000000000000000000 + i % a.users)
        ts = start + (a.spread_ms * i) // max(a.count, 1)
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
