#!/usr/bin/env node
// A TCP proxy that makes a loopback link behave like a long one: every byte waits half the round
// trip each way, and each connection may have at most --window-bytes in flight, whose credit comes
// back only after the other half of the round trip (as a TCP window waits for its ACKs). One
// connection is so capped at about window / rtt, as one stream on a real long link is; several
// connections in parallel add up. The total bandwidth cap is left to the kernel (tc tbf).
//
//   node wan-proxy.js --target 127.0.0.1:4568 [--listen 127.0.0.1] [--port 0]
//        [--rtt-ms 30] [--window-bytes 262144] [--port-file PATH]
//
// The port is printed on stdout as one JSON line {"port":N} (and written to --port-file).
'use strict';
const net = require('net');
const fs = require('fs');

function parseArgs(argv) {
  const o = { listen: '127.0.0.1', port: 0, rttMs: 30, windowBytes: 262144, target: null, portFile: null };
  const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  for (let i = 0; i < argv.length; i++) {
    const name = camel(argv[i].replace(/^--/, ''));
    const value = argv[++i];
    if (!(name in o) || value === undefined) die(`unknown option or missing value: ${argv[i - 1]}`);
    o[name] = value;
  }
  if (!o.target) die('--target host:port is required');
  for (const k of ['port', 'rttMs', 'windowBytes']) {
    o[k] = Number(o[k]);
    if (!(o[k] >= 0)) die(`--${k} must be a number >= 0`);
  }
  const at = o.target.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const colon = at.lastIndexOf(':');
  o.targetHost = at.slice(0, colon);
  o.targetPort = Number(at.slice(colon + 1));
  return o;
}

function die(msg) { process.stderr.write(`wan-proxy: ${msg}\n`); process.exit(2); }

const opts = parseArgs(process.argv.slice(2));
const oneWay = opts.rttMs / 2;

// Bytes from `from` reach `to` after the one-way delay; `from` is paused while a window's worth
// is unacknowledged. Timers of one duration fire in the order they were set: bytes stay in order.
function pipe(from, to) {
  let inFlight = 0;
  from.on('data', (chunk) => {
    inFlight += chunk.length;
    if (inFlight >= opts.windowBytes) from.pause();
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
      setTimeout(() => {
        inFlight -= chunk.length;
        if (inFlight < opts.windowBytes && from.isPaused() && !from.destroyed) from.resume();
      }, oneWay);
    }, oneWay);
  });
  from.on('end', () => setTimeout(() => { if (!to.destroyed) to.end(); }, oneWay));
}

const server = net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect({ host: opts.targetHost, port: opts.targetPort });
  upstream.setNoDelay(true);
  // Connecting takes a round trip, as a TCP handshake over the long link does.
  client.pause();
  upstream.on('connect', () => setTimeout(() => client.resume(), opts.rttMs));
  pipe(client, upstream);
  pipe(upstream, client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
  // A clean close has already passed on its end (half-close); a broken one breaks the other side too.
  client.on('close', (hadError) => { if (hadError) setTimeout(() => upstream.destroy(), oneWay); });
  upstream.on('close', (hadError) => { if (hadError) setTimeout(() => client.destroy(), oneWay); });
});

server.listen(opts.port, opts.listen, () => {
  const port = server.address().port;
  const line = JSON.stringify({ port });
  if (opts.portFile) fs.writeFileSync(opts.portFile, line + '\n');
  process.stdout.write(line + '\n');
});
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
