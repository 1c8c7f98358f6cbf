'use strict';
// What fault-proxy.js does with --vendor-hosts: it stands in for Alibaba Cloud OSS and Tencent
// Cloud COS in front of s3rver. Requests must reach it under the vendors' host names (hosts
// entries, tests/infra/hosts.sh): <bucket>.s3.oss-<region>[-internal].aliyuncs.com,
// <bucket>.cos.<region>.myqcloud.com, or a custom domain bound to one bucket (--domain
// host=bucket:oss|cos[,host=bucket:vendor...]), where the path is the key alone. The proxy
//   - checks each AWS Signature V4 with --secret (403 SignatureDoesNotMatch when it fails), as the
//     vendor would for the Host and path it received, then forwards the request path-style and
//     unsigned to s3rver (which accepts anonymous requests);
//   - answers path-style OSS requests with SecondLevelDomainForbidden, as OSS does;
//   - with --crc64 1, adds x-oss-hash-crc64ecma / x-cos-hash-crc64ecma (CRC-64/XZ, decimal) of the
//     stored object to PutObject, GetObject, HeadObject and CompleteMultipartUpload answers, read
//     back from s3rver; --corrupt-crc64 REGEX changes it for requests whose "<Operation> <bucket>/<key>" match;
//   - logs every request: GET /__proxy/requests (host, method, path, operation, bucket, key,
//     signing region, whether the signature held, and the headers a vendor cares about); without
//     --vendor-hosts the log holds host, method, path and those headers of every request too.
const http = require('http');
const crypto = require('crypto');

const OSS_HOST = /^([a-z0-9-]+)\.s3\.oss-(accelerate|[a-z0-9-]+?)(-internal)?\.aliyuncs\.com$/;
const OSS_BARE = /^s3\.oss-[a-z0-9-]+\.aliyuncs\.com$/;
const COS_HOST = /^([a-z0-9-]+)\.cos\.([a-z0-9-]+)\.myqcloud\.com$/;
const LOGGED = /^(content-md5|content-encoding|content-length|transfer-encoding|x-amz-content-sha256|x-amz-decoded-content-length|x-amz-storage-class|x-amz-trailer|x-amz-sdk-checksum-algorithm|x-amz-checksum-.*)$/;

function create(opts, target) {
  const enabled = ['1', 'true'].includes(String(opts.vendorHosts || ''));
  const domains = new Map();
  for (const entry of String(opts.domain || '').split(',').filter(Boolean)) {
    const m = /^([^=]+)=([^:]+):(oss|cos)$/.exec(entry.trim());
    if (!m) throw new Error(`--domain wants host=bucket:oss|cos, not '${entry}'`);
    domains.set(m[1].toLowerCase(), { bucket: m[2], vendor: m[3] });
  }
  let log = [];
  const crcCache = new Map();

  function locate(host) {
    const name = host.replace(/:\d+$/, '').toLowerCase();
    let m;
    if (domains.has(name)) return { ...domains.get(name), style: 'domain' };
    if ((m = OSS_HOST.exec(name))) return { bucket: m[1], vendor: 'oss', style: 'virtual' };
    if ((m = COS_HOST.exec(name))) return { bucket: m[1], vendor: 'cos', style: 'virtual' };
    if (OSS_BARE.test(name)) return { vendor: 'oss', style: 'path' };
    return null;
  }

  // Logs a request as it arrived (every request is logged, with vendor hosts or without).
  function record(req, where) {
    const entry = { host: req.headers.host || '', method: req.method, path: req.url, headers: {}, vendor: where && where.vendor, style: where && where.style };
    for (const [k, v] of Object.entries(req.headers)) if (LOGGED.test(k)) entry.headers[k] = v;
    log.push(entry);
    return entry;
  }

  // Returns an error answer ({status, code}) or null after rewriting req for s3rver.
  function admit(req) {
    const host = req.headers.host || '';
    const where = locate(host);
    const entry = record(req, where);
    const auth = req.headers.authorization || '';
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
    entry.region = scope ? scope[1] : null;
    entry.signed = auth ? verify(req, opts.secret) : null;
    if (!where) return { status: 400, code: 'InvalidURI', message: `host ${host} is not a bucket's` };
    if (where.style === 'path') return { status: 403, code: 'SecondLevelDomainForbidden', message: 'Please use virtual hosted style to access.' };
    if (auth && entry.signed === false) return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
    entry.bucket = where.bucket;
    req.vendor = where.vendor;
    req.url = `/${where.bucket}${req.url.startsWith('/') ? '' : '/'}${req.url}`;
    req.headers.host = target.host;
    delete req.headers.authorization;
    return null;
  }

  function refuse(res, answer) {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${answer.code}</Code><Message>${answer.message}</Message></Error>`;
    res.writeHead(answer.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  // Adds the vendor's CRC-64 header to ur.rawHeaders, then calls next().
  function answer(req, d, ur, next) {
    const ops = ['PutObject', 'GetObject', 'HeadObject', 'CompleteMultipartUpload'];
    if (!enabled || !['1', 'true'].includes(String(opts.crc64 || '')) || !req.vendor || !ops.includes(d.op) || ur.statusCode >= 300) return next();
    const header = req.vendor === 'oss' ? 'x-oss-hash-crc64ecma' : 'x-cos-hash-crc64ecma';
    const cacheKey = ur.headers.etag && d.op !== 'PutObject' ? `${d.id}\0${ur.headers.etag}` : null;
    const finish = (crc) => {
      if (crc !== null) {
        if (opts.corruptCrc64 && new RegExp(opts.corruptCrc64).test(`${d.op} ${d.id}`)) crc ^= 1n;
        ur.rawHeaders.push(header, crc.toString());
      }
      next();
    };
    if (cacheKey && crcCache.has(cacheKey)) return finish(crcCache.get(cacheKey));
    const path = '/' + d.id.split('/').map(encodeURIComponent).join('/');
    http.get({ host: target.hostname, port: target.port, path }, (r) => {
      if (r.statusCode !== 200) { r.resume(); return finish(null); }
      const crc = new Crc64();
      r.on('data', (c) => crc.update(c));
      r.on('end', () => { const v = crc.value(); if (cacheKey) crcCache.set(cacheKey, v); finish(v); });
    }).on('error', () => finish(null));
  }

  function control(req, res) {
    if (req.method === 'GET' && req.url === '/__proxy/requests') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(log));
      return true;
    }
    return false;
  }

  return { enabled, record, admit, refuse, answer, control, reset: () => { log = []; crcCache.clear(); } };
}

// AWS Signature Version 4 over what arrived: the Host and path the vendor would see.
function verify(req, secret) {
  const auth = req.headers.authorization;
  const m = /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
  if (!m || !secret) return false;
  const [, date, region, service, signedHeaders, signature] = m;
  const [rawPath, rawQuery = ''] = req.url.split(/\?(.*)/s);
  const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const query = rawQuery.split('&').filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    const k = decodeURIComponent(i < 0 ? p : p.slice(0, i)), v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1).replace(/\+/g, '%20'));
    return [enc(k), enc(v)];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const names = signedHeaders.split(';');
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, rawPath, query, headers, signedHeaders, req.headers['x-amz-content-sha256'] || 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', req.headers['x-amz-date'], scope, sha256(canonical)].join('\n');
  let key = 'AWS4' + secret;
  for (const part of [date, region, service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, toSign).toString('hex') === signature;
}
const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');
const hmac = (k, s) => crypto.createHmac('sha256', k).update(s).digest();

// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), as OSS and COS report it;
// two 32-bit halves per table entry so that it runs at Number speed.
const LO = new Uint32Array(256), HI = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let lo = n, hi = 0;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0; hi >>>= 1;
    if (carry) { lo = (lo ^ 0xD7870F42) >>> 0; hi = (hi ^ 0xC96C5795) >>> 0; }
  }
  LO[n] = lo; HI[n] = hi;
}
class Crc64 {
  constructor() { this.lo = 0xFFFFFFFF; this.hi = 0xFFFFFFFF; }
  update(buf) {
    let lo = this.lo, hi = this.hi;
    for (let i = 0; i < buf.length; i++) {
      const idx = (lo ^ buf[i]) & 0xFF;
      lo = (((lo >>> 8) | (hi << 24)) ^ LO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ HI[idx]) >>> 0;
    }
    this.lo = lo; this.hi = hi;
  }
  value() { return (BigInt((this.hi ^ 0xFFFFFFFF) >>> 0) << 32n) | BigInt((this.lo ^ 0xFFFFFFFF) >>> 0); }
}

module.exports = { create, Crc64, verify };
