#!/usr/bin/env node
// A fault-injecting HTTP proxy for tests: put it between a client and an S3-compatible server
// (s3rver) and it forwards every request, except a chosen fraction that it answers 503 SlowDown,
// resets mid-body, delays, never answers, cuts short or stalls. Real sockets, real resets.
//
//   node fault-proxy.js --target http://127.0.0.1:4568 [--port 0] [--seed 1]
//        [--error-rate R] [--reset-rate R] [--delay-rate R] [--delay-ms 2000]
//        [--blackhole-rate R] [--truncate-rate R] [--stall-rate R]
//        [--cut-bytes N] [--match REGEX] [--fault-limit N] [--port-file PATH] [--stats-file PATH]
//        [--tls-cert PEM --tls-key PEM]   (serve HTTPS, as real endpoints do; the target stays plain HTTP)
//        [--atomic-puts 1]
//
// Faults (each rate a fraction of matching requests, 0..1; they add up to at most 1):
//   error     503 SlowDown with an S3 XML error body (the request body is read first).
//   reset     TCP reset (RST) after some bytes of the request body (half of requests with a
//             body) or of the response body; before the response headers when there is no body.
//   delay     the response waits --delay-ms before it is forwarded.
//   blackhole the request is read and never forwarded nor answered; the socket stays open.
//   truncate  the response announces its full Content-Length, sends part of it, then closes (FIN).
//   stall     the request is forwarded, then the response stops after some bytes of its body (or
//             before its headers when it has none) and the socket stays open.
// --cut-bytes N puts every reset/truncate/stall cut after N bytes of the body (default: a random
// point inside it). --match REGEX limits faults to requests whose "<Operation> <bucket>/<key>"
// matches, e.g. '^HeadObject ' or '^GetObject bkt/big'. --fault-limit N stops injecting after N
// faults (e.g. only the first HEAD is black-holed, its retry goes through). Which request gets which fault is
// decided by the seed and the request itself (operation, bucket, key, part number, and how many
// times that request was seen), so a run is reproducible whatever the interleaving.
//
// Control (on the proxy's own port, never forwarded):
//   GET  /__proxy/stats   counters as JSON: totals, faults by kind, requests by method and by
//                         operation, and per "bucket/key" the count of each operation with how
//                         many reached the server, how many it answered 2xx, and `bytes`: the
//                         response body bytes passed on to the client (a cut body counts its part).
//   POST /__proxy/reset   zeroes the counters.
//   POST /__proxy/config  JSON body with any of: errorRate, resetRate, delayRate, delayMs,
//                         blackholeRate, truncateRate, stallRate, cutBytes, match, faultLimit, seed.
//
// Answers (rules, not rates: each chosen request answers as a service would):
//   --answers JSON  a list of {match, status, code, message, limit, corrupt}. The first rule whose
//                   `match` (a regex on "<Operation> <bucket>/<key>") fits a request answers it:
//                   with HTTP `status` and an S3 XML error body of `code` (not forwarded), or with
//                   `corrupt: true` forwarded and its response body passed on with its first byte
//                   flipped. `limit` answers only the first N matching requests. Also settable as
//                   `answers` in POST /__proxy/config; `answered` in the stats counts them by code.
//
// Archived objects (as OSS and COS answer for objects in an archive storage class):
//   --archived JSON  a list of {match, storageClass, restoreMs}. Keys whose "bucket/key" matches
//                    are archived: listings report `storageClass` for them (default Archive); a
//                    GET answers 403 InvalidObjectState until the object is restored; POST
//                    ?restore answers 202 and makes it readable `restoreMs` later (default 0;
//                    409 RestoreAlreadyInProgress while it is restoring, 200 once restored); a HEAD
//                    carries x-amz-storage-class and, once asked, x-amz-restore with
//                    ongoing-request "true" or "false". Also settable as `archived` in POST
//                    /__proxy/config (which forgets restores); `restores` in the stats counts them,
//                    `restoreDays` holds the <Days> of each one's last request.
// Writes as a real service makes them (--atomic-puts 1): s3rver writes a PutObject or UploadPart
// body into place as it arrives, so a request cut mid-body leaves a damaged object behind. With
// this option the proxy holds each such body and forwards it only once it arrived whole, and
// answers 400 BadDigest, forwarding nothing, when it does not match its Content-MD5, as S3, OSS
// and COS do (s3rver does not check Content-MD5).
// The port is printed on stdout as one JSON line {"port":N} (and written to --port-file).
// --vendor-hosts 1 [--secret K] [--domain host=bucket:oss|cos,...] [--crc64 1] [--corrupt-crc64 RE]:
// answer as OSS and COS under their host names. GET /__proxy/requests lists the requests received,
// with or without --vendor-hosts (method, path and the integrity headers; see vendor-answers.js).
'use strict';
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const fs = require('fs');
const vendorAnswers = require('./vendor-answers');

const FAULTS = ['blackhole', 'error', 'reset', 'truncate', 'stall', 'delay'];
const VENDOR_OPTIONS = ['vendorHosts', 'secret', 'domain', 'crc64', 'corruptCrc64'];

function parseArgs(argv) {
  const o = { listen: '127.0.0.1', port: 0, seed: 1, delayMs: 2000, cutBytes: null, match: null, faultLimit: null };
  for (const f of FAULTS) o[f + 'Rate'] = 0;
  const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) die(`unexpected argument '${a}'`);
    const name = camel(a.slice(2));
    const value = argv[++i];
    if (value === undefined) die(`${a} needs a value`);
    if (!(name in o) && !['target', 'portFile', 'statsFile', 'answers', 'archived', 'tlsCert', 'tlsKey', 'atomicPuts', ...VENDOR_OPTIONS].includes(name)) die(`unknown option ${a}`);
    o[name] = value;
  }
  if (!o.target) die('--target http://host:port is required');
  return normalize(o);
}

function normalize(o) {
  for (const k of Object.keys(o)) {
    if (k.endsWith('Rate')) {
      const r = Number(o[k]);
      if (!(r >= 0 && r <= 1)) die(`${k} must be from 0 to 1, not '${o[k]}'`);
      o[k] = r;
    }
  }
  for (const k of ['port', 'seed', 'delayMs']) o[k] = Number(o[k]);
  o.cutBytes = o.cutBytes === null || o.cutBytes === '' ? null : Number(o.cutBytes);
  o.faultLimit = o.faultLimit === null || o.faultLimit === '' ? null : Number(o.faultLimit);
  o.matchRe = o.match ? new RegExp(o.match) : null;
  const total = FAULTS.reduce((s, f) => s + o[f + 'Rate'], 0);
  if (total > 1 + 1e-9) die(`the fault rates add up to ${total}, more than 1`);
  return o;
}

function die(msg) { process.stderr.write(`fault-proxy: ${msg}\n`); process.exit(2); }

const opts = parseArgs(process.argv.slice(2));
const target = new URL(opts.target);
const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const vendor = vendorAnswers.create(opts, target);

// ---- counters ----
let stats;
function resetStats() {
  stats = { requests: 0, faults: {}, byMethod: {}, byOperation: {}, keys: {}, answered: {}, restores: {}, restoreDays: {} };
  for (const f of FAULTS) stats.faults[f] = 0;
}
resetStats();
function bump(obj, k, n = 1) { obj[k] = (obj[k] || 0) + n; }
function keyStats(id, op) {
  const k = stats.keys[id] || (stats.keys[id] = {});
  return k[op] || (k[op] = { requests: 0, upstream: 0, ok: 0, faults: 0, bytes: 0 });
}

// ---- what a request is ----
function describe(req) {
  const url = new URL(req.url, 'http://x');
  const q = url.searchParams;
  let path = url.pathname.replace(/^\//, '');
  try { path = decodeURIComponent(path); } catch { /* counted under its encoded name */ }
  // Virtual-hosted style: the bucket is the first label of a host that is not an address.
  const host = (req.headers.host || '').replace(/:\d+$/, '');
  let bucket, key;
  if (host && !/^[\d.]+$/.test(host) && host !== 'localhost' && host.split('.').length > 3) {
    bucket = host.split('.')[0]; key = path;
  } else {
    const i = path.indexOf('/');
    bucket = i < 0 ? path : path.slice(0, i); key = i < 0 ? '' : path.slice(i + 1);
  }
  const m = req.method;
  let op;
  if (m === 'HEAD') op = key ? 'HeadObject' : 'HeadBucket';
  else if (m === 'GET') op = q.has('uploads') ? 'ListMultipartUploads' : q.has('uploadId') ? 'ListParts' : key ? 'GetObject' : 'ListObjects';
  else if (m === 'PUT') op = q.has('partNumber') ? 'UploadPart' : req.headers['x-amz-copy-source'] ? 'CopyObject' : key ? 'PutObject' : 'CreateBucket';
  else if (m === 'POST') op = q.has('uploads') ? 'CreateMultipartUpload' : q.has('uploadId') ? 'CompleteMultipartUpload' : q.has('delete') ? 'DeleteObjects' : 'Post';
  else if (m === 'DELETE') op = q.has('uploadId') ? 'AbortMultipartUpload' : key ? 'DeleteObject' : 'DeleteBucket';
  else op = m;
  const part = q.get('partNumber') || '';
  const list = q.get('start-after') || q.get('continuation-token') || q.get('marker') || '';
  return { op, bucket, key, id: key ? `${bucket}/${key}` : bucket, identity: `${op} ${bucket}/${key} ${part} ${list}` };
}

// The nth occurrence of the same request draws the same numbers in every run with this seed.
const seen = new Map();
function draws(identity) {
  const n = (seen.get(identity) || 0) + 1;
  seen.set(identity, n);
  const h = crypto.createHash('sha256').update(`${opts.seed}\0${identity}\0${n}`).digest();
  return [0, 4, 8, 12].map((i) => h.readUInt32BE(i) / 0x100000000);
}

function totalFaults() { return FAULTS.reduce((s, f) => s + stats.faults[f], 0); }

function chooseFault(d, u) {
  if (opts.matchRe && !opts.matchRe.test(`${d.op} ${d.id}`)) return null;
  if (opts.faultLimit !== null && totalFaults() >= opts.faultLimit) return null;
  let acc = 0;
  for (const f of FAULTS) { acc += opts[f + 'Rate']; if (u < acc) return f; }
  return null;
}

function cutPoint(length, u) {
  if (opts.cutBytes !== null) return Math.min(opts.cutBytes, Math.max(length - 1, 0));
  return Math.floor(u * length);
}

// ---- control endpoints ----
function control(req, res) {
  const send = (code, body) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (req.method === 'GET' && req.url === '/__proxy/stats') return send(200, stats);
  if (vendor.control(req, res)) return;
  if (req.method === 'POST' && req.url === '/__proxy/reset') { resetStats(); seen.clear(); vendor.reset(); return send(200, { reset: true }); }
  if (req.method === 'POST' && req.url === '/__proxy/config') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const change = JSON.parse(body || '{}');
        if ('answers' in change) { setAnswers(change.answers); delete change.answers; }
        if ('archived' in change) { setArchived(change.archived); delete change.archived; }
        const next = { ...opts, ...change };
        Object.assign(opts, normalizeSafe(next));
        send(200, publicOptions());
      } catch (e) { send(400, { error: e.message }); }
    });
    return;
  }
  send(404, { error: 'unknown control path' });
}
function normalizeSafe(o) {
  for (const k of Object.keys(o)) if (k.endsWith('Rate') && !(Number(o[k]) >= 0 && Number(o[k]) <= 1)) throw new Error(`${k} must be from 0 to 1`);
  const total = FAULTS.reduce((s, f) => s + Number(o[f + 'Rate']), 0);
  if (total > 1 + 1e-9) throw new Error(`the fault rates add up to ${total}, more than 1`);
  return normalize(o);
}
function publicOptions() {
  const o = { target: opts.target, seed: opts.seed, delayMs: opts.delayMs, cutBytes: opts.cutBytes, match: opts.match, faultLimit: opts.faultLimit };
  for (const f of FAULTS) o[f + 'Rate'] = opts[f + 'Rate'];
  return o;
}

// ---- proxying ----
const held = new Set(); // sockets of black-holed and stalled requests, kept open on purpose

function hold(socket) { held.add(socket); socket.on('close', () => held.delete(socket)); }

// A TLS socket cannot send a TCP reset (resetAndDestroy throws): it is cut without one.
function rst(socket) {
  try { if (typeof socket.resetAndDestroy === 'function') return void socket.resetAndDestroy(); } catch { /* TLS */ }
  socket.destroy();
}

function slowDown(res, d) {
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>' +
    '<Message>Please reduce your request rate.</Message>' +
    `<Resource>/${escapeXml(d.id)}</Resource><RequestId>${crypto.randomBytes(8).toString('hex')}</RequestId></Error>`;
  res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': 'fault-proxy' });
  res.end(body);
}
// ---- answers (see --answers) ----
let answers = [];
function setAnswers(list) {
  if (!Array.isArray(list)) throw new Error('answers must be a JSON list');
  answers = list.map((r) => {
    if (!r || typeof r.match !== 'string') throw new Error('each answer needs a match');
    if (!r.corrupt && !(Number(r.status) >= 400 && Number(r.status) <= 599)) throw new Error(`answer status must be 4xx or 5xx, not '${r.status}'`);
    return { ...r, re: new RegExp(r.match), used: 0 };
  });
}
try { setAnswers(JSON.parse(opts.answers || '[]')); } catch (e) { die(`--answers: ${e.message}`); }

function answerFor(d) {
  const rule = answers.find((r) => r.re.test(`${d.op} ${d.id}`) && (r.limit == null || r.used < r.limit));
  if (rule) { rule.used++; bump(stats.answered, rule.corrupt ? 'corrupt' : rule.code || String(rule.status)); }
  return rule || null;
}

function answerError(req, res, d, rule) {
  const code = rule.code || 'Error';
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(rule.message || code)}</Message>` +
    `<Resource>/${escapeXml(d.id)}</Resource><RequestId>${crypto.randomBytes(8).toString('hex')}</RequestId></Error>`;
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': 'fault-proxy' };
  // A HEAD answer has no body: the code travels in the status alone, as services send it.
  if (req.method === 'HEAD') { res.writeHead(Number(rule.status), headers); res.end(); } else {
    res.writeHead(Number(rule.status), { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
  req.resume();
}

/** The response as it came, but for its first body byte, flipped: damage a checksum must catch. */
function relayCorrupted(res, ur, ks, done) {
  res.writeHead(ur.statusCode, ur.rawHeaders);
  let first = true;
  ur.on('data', (chunk) => {
    if (first && chunk.length) { chunk = Buffer.from(chunk); chunk[0] ^= 0xff; first = false; }
    ks.bytes += chunk.length; res.write(chunk);
  });
  ur.on('end', () => { done(); res.end(); });
}

// ---- archived objects (see --archived) ----
let archived = [];
const restoreState = new Map(); // "bucket/key" -> time at which a requested restore is done
function setArchived(list) {
  if (!Array.isArray(list)) throw new Error('archived must be a JSON list');
  archived = list.map((r) => {
    if (!r || typeof r.match !== 'string') throw new Error('each archived rule needs a match');
    return { storageClass: 'Archive', restoreMs: 0, ...r, re: new RegExp(r.match) };
  });
  restoreState.clear();
}
try { setArchived(JSON.parse(opts.archived || '[]')); } catch (e) { die(`--archived: ${e.message}`); }

function archivedRule(id) { return archived.find((r) => r.re.test(id)) || null; }
function restored(id) { const t = restoreState.get(id); return t !== undefined && Date.now() >= t; }

/** Answers what an archived object answers itself; true when the request was answered here. */
function answerArchived(req, res, d) {
  if (!d.key || archived.length === 0) return false;
  const rule = archivedRule(d.id);
  if (!rule) return false;
  const restore = req.method === 'POST' && new URL(req.url, 'http://x').searchParams.has('restore');
  if (restore) {
    bump(stats.restores, d.id);
    const body = [];
    req.on('data', (c) => body.push(c));
    req.on('end', () => {
      // The days asked for, from <RestoreRequest><Days>N</Days>, as restoreDays["bucket/key"].
      const days = /<Days>\s*(\d+)\s*<\/Days>/.exec(Buffer.concat(body).toString('utf8'));
      stats.restoreDays[d.id] = days ? Number(days[1]) : null;
      if (restored(d.id)) { res.writeHead(200, { 'content-length': 0 }); res.end(); return; }
      if (restoreState.has(d.id)) {
        answerError(req, res, d, { status: 409, code: 'RestoreAlreadyInProgress', message: 'Object restore is already in progress' });
        return;
      }
      restoreState.set(d.id, Date.now() + Number(rule.restoreMs || 0));
      res.writeHead(202, { 'content-length': 0 }); res.end();
    });
    return true;
  }
  if (req.method === 'GET' && !restored(d.id)) {
    answerError(req, res, d, { status: 403, code: 'InvalidObjectState', message: "The operation is not valid for the object's state" });
    return true;
  }
  return false;
}

/** Headers a HEAD of an archived object carries (storage class, restore progress), or null. */
function archivedHeaders(req, d) {
  if (req.method !== 'HEAD' || !d.key) return null;
  const rule = archivedRule(d.id);
  if (!rule) return null;
  const h = { 'x-amz-storage-class': rule.storageClass };
  if (restoreState.has(d.id)) {
    h['x-amz-restore'] = restored(d.id)
      ? `ongoing-request="false", expiry-date="${new Date(Date.now() + 86400000).toUTCString()}"`
      : 'ongoing-request="true"';
  }
  return h;
}

/** A listing with the storage class of archived keys as the rule says. */
function relayListing(res, ur, d, done) {
  const chunks = [];
  ur.on('data', (c) => chunks.push(c));
  ur.on('end', () => {
    let body = Buffer.concat(chunks).toString('utf8');
    body = body.replace(/<Contents>([\s\S]*?)<\/Contents>/g, (whole, inner) => {
      const key = (inner.match(/<Key>([\s\S]*?)<\/Key>/) || [])[1];
      const rule = key === undefined ? null : archivedRule(`${d.bucket}/${unescapeXml(key)}`);
      return rule ? whole.replace(/<StorageClass>[^<]*<\/StorageClass>/, `<StorageClass>${escapeXml(rule.storageClass)}</StorageClass>`) : whole;
    });
    const headers = { ...ur.headers, 'content-length': Buffer.byteLength(body) };
    delete headers['transfer-encoding'];
    res.writeHead(ur.statusCode, headers);
    res.end(body);
    done();
  });
}
function unescapeXml(s) { return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&'); }

function escapeXml(s) { return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`); }

function handle(req, res, expectContinue) {
  if (req.url.startsWith('/__proxy/')) return control(req, res);
  if (vendor.enabled) {
    const refused = vendor.admit(req);
    if (refused) { req.resume(); return vendor.refuse(res, refused); }
  }
  else vendor.record(req, null);
  const d = describe(req);
  const [u, where, cut] = draws(d.identity);
  const fault = chooseFault(d, u);
  const ks = keyStats(d.id, d.op);
  stats.requests++; bump(stats.byMethod, req.method); bump(stats.byOperation, d.op); ks.requests++;
  if (fault) { stats.faults[fault]++; ks.faults++; }
  const rule = fault ? null : answerFor(d);
  if (rule && !rule.corrupt) { answerError(req, res, d, rule); return; }
  if (!fault && answerArchived(req, res, d)) return;

  if (fault === 'error') { slowDown(res, d); req.resume(); return; }
  if (fault === 'blackhole') { hold(req.socket); req.resume(); return; }
  if (expectContinue) res.writeContinue();

  const headers = { ...req.headers };
  for (const h of ['connection', 'keep-alive', 'proxy-connection', 'expect', 'transfer-encoding']) delete headers[h];
  const up = http.request({ host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers, agent: upstreamAgent });
  let finished = false;
  up.on('error', () => { if (!finished) { finished = true; rst(req.socket); } });
  req.on('aborted', () => up.destroy());
  req.socket.on('close', () => up.destroy());

  // Request body: forwarded as it comes; a reset on the way up cuts it after some bytes.
  const reqLength = Number(req.headers['content-length'] || 0);
  const resetUp = fault === 'reset' && reqLength > 0 && where < 0.5;
  const atomic = ['1', 'true'].includes(String(opts.atomicPuts || '')) && (d.op === 'PutObject' || d.op === 'UploadPart');
  if (resetUp) {
    const at = cutPoint(reqLength, cut);
    let sent = 0;
    req.on('data', (chunk) => {
      if (finished) return;
      if (sent + chunk.length > at) {
        if (!atomic) up.write(chunk.subarray(0, at - sent));
        finished = true; up.destroy(); rst(req.socket); return;
      }
      sent += chunk.length; if (!atomic) up.write(chunk);
    });
    return;
  }
  if (atomic) {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const md5 = req.headers['content-md5'];
      if (body.length !== reqLength) { finished = true; up.destroy(); return; }
      if (md5 && crypto.createHash('md5').update(body).digest('base64') !== md5) {
        finished = true; up.destroy();
        answerError(req, res, d, { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' });
        return;
      }
      up.end(body);
    });
  } else req.pipe(up);
  ks.upstream++;

  up.on('response', (ur) => {
    if (ur.statusCode >= 200 && ur.statusCode < 300) ks.ok++;
    const extra = fault ? null : archivedHeaders(req, d);
    if (extra) for (const [k, v] of Object.entries(extra)) ur.rawHeaders.push(k, v);
    const listing = !fault && archived.length > 0 && d.op === 'ListObjects' && ur.statusCode === 200;
    const respond = rule ? () => relayCorrupted(res, ur, ks, () => { finished = true; })
      : listing ? () => relayListing(res, ur, d, () => { finished = true; })
      : () => relay(req, res, ur, fault, cut, ks, () => { finished = true; });
    const answer = () => vendor.answer(req, d, ur, respond);
    if (fault === 'delay') setTimeout(answer, opts.delayMs); else answer();
  });
}

function relay(req, res, ur, fault, cut, ks, done) {
  const socket = req.socket;
  const bodyLength = req.method === 'HEAD' || ur.statusCode === 204 || ur.statusCode === 304 ? 0 : Number(ur.headers['content-length'] || 0);
  if (fault === 'reset' || fault === 'truncate' || fault === 'stall') {
    if (bodyLength === 0) {
      // Nothing to cut: the fault strikes before the headers.
      done(); ur.resume();
      if (fault === 'reset') rst(socket); else if (fault === 'truncate') socket.destroy(); else hold(socket);
      return;
    }
    const at = cutPoint(bodyLength, cut);
    res.writeHead(ur.statusCode, ur.rawHeaders);
    res.flushHeaders();
    let sent = 0, cutDone = false;
    ur.on('data', (chunk) => {
      if (cutDone) return;
      if (sent + chunk.length <= at) {
        sent += chunk.length; ks.bytes += chunk.length;
        // Keep pace with the client, so that the bytes counted are bytes it could read, not a
        // backlog held here when the cut strikes.
        if (!res.write(chunk)) { ur.pause(); res.once('drain', () => ur.resume()); }
        return;
      }
      cutDone = true; done();
      const head = chunk.subarray(0, at - sent);
      ks.bytes += head.length;
      const strike = () => {
        ur.destroy();
        if (fault === 'reset') rst(socket); else if (fault === 'truncate') socket.end(); else hold(socket);
      };
      if (head.length) res.write(head, strike); else strike();
    });
    ur.on('end', () => { if (!cutDone) { done(); res.end(); } });
    return;
  }
  res.writeHead(ur.statusCode, ur.rawHeaders);
  ur.on('data', (chunk) => { ks.bytes += chunk.length; });
  ur.pipe(res);
  ur.on('end', done);
}

const serverOptions = { keepAliveTimeout: 60_000, requestTimeout: 0, headersTimeout: 0 };
const server = opts.tlsCert
  ? https.createServer({ ...serverOptions, cert: fs.readFileSync(opts.tlsCert), key: fs.readFileSync(opts.tlsKey) }, (req, res) => handle(req, res, false))
  : http.createServer(serverOptions, (req, res) => handle(req, res, false));
server.on('checkContinue', (req, res) => handle(req, res, true));
server.on('clientError', (err, socket) => socket.destroy());
server.listen(opts.port, opts.listen, () => {
  const port = server.address().port;
  if (opts.portFile) fs.writeFileSync(opts.portFile, String(port));
  process.stdout.write(JSON.stringify({ port }) + '\n');
});

function writeStatsFile() { if (opts.statsFile) fs.writeFileSync(opts.statsFile, JSON.stringify(stats)); }
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { writeStatsFile(); process.exit(0); });
