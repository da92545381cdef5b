// Fixed-rate mode of bench/webhook_load.sh: sends the pre-signed webhooks of $BENCH_WEBHOOKS
// ("<signature>\t<body>" per line, each a new event) at a constant overall rate with autocannon,
// and prints the same BENCH lines as webhook_load.lua, so the shell script reads both alike.
// wrk measures how much the bot can take; this measures the latency of the 200 at a load the
// bot is expected to carry (5,000 webhooks/s in the runtime issue), where queueing in the load
// generator itself does not hide the bot's tail.
//
//   node bench/fixed_rate.mjs URL RATE DURATION_S CONNECTIONS
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

const [url, rate, duration, connections] = process.argv.slice(2);
if (!url || !rate || !duration || !connections) {
  console.error('usage: node bench/fixed_rate.mjs URL RATE DURATION_S CONNECTIONS');
  process.exit(2);
}
const lines = readFileSync(process.env.BENCH_WEBHOOKS, 'utf8').split('\n').filter((l) => l.length > 0);
let next = 0;
let exhausted = 0;

const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(duration),
  overallRate: Number(rate),
  timeout: 10,
  requests: [
    {
      method: 'POST',
      path: '/webhook',
      setupRequest: (request) => {
        const line = lines[next++];
        if (line === undefined) {
          // Never resend an event: the bot would drop it as a duplicate with a cheap 200.
          exhausted++;
          return { ...request, headers: { 'content-type': 'application/json' }, body: '{}' };
        }
        const tab = line.indexOf('\t');
        return {
          ...request,
          headers: { 'content-type': 'application/json', 'x-line-signature': line.slice(0, tab) },
          body: line.slice(tab + 1),
        };
      },
    },
  ],
});

const l = result.latency;
const seconds = result.duration;
console.log(`autocannon: ${result.requests.total} requests in ${seconds.toFixed(2)} s at a fixed ${rate}/s,` +
  ` ${connections} connections; latency ms p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} p99.9 ${l.p99_9} max ${l.max}`);
console.log(`BENCH requests=${result.requests.total} duration_s=${seconds.toFixed(3)}` +
  ` rps=${(result.requests.total / seconds).toFixed(1)} non2xx=${result.non2xx}` +
  ` connect_err=0 read_err=${result.errors - result.timeouts} write_err=0 timeout_err=${result.timeouts}`);
console.log(`BENCH latency_ms p50=${l.p50} p90=${l.p90} p99=${l.p99} p99.9=${l.p99_9} max=${l.max} mean=${l.mean}`);
console.log(`BENCH exhausted=${exhausted}`);
