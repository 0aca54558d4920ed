// The QVCP wire format, generic over the JSON Schemas' x-wire layouts: decode (binary -> canonical
// JSON, with the checks of WIRE-002..008, EXT-001/002 and the bounds of REL-020/021, in the
// order of WIRE-016) and encode (JSON -> binary, checks in the order of WIRE-017). Open
// enumerations (x-registry.open) carry an unassigned code as the integer itself (WIRE-040,
// WIRE-042). No authentication trailers.
'use strict';
const fs = require('fs');
const path = require('path');

const SCHEMAS = process.env.QVCP_SCHEMAS || path.resolve(__dirname, '../../../../schemas/json');
const E = { TRUNCATED: 1, LENGTH_MISMATCH: 2, UNSUPPORTED_VERSION: 3, UNKNOWN_MESSAGE_TYPE: 4,
  RESERVED_BITS_SET: 5, FIELD_OUT_OF_RANGE: 6, SCHEMA_VIOLATION: 7, MALFORMED_EXTENSION: 8,
  UNKNOWN_CRITICAL_EXTENSION: 9, TOO_LARGE: 12 };

class Reject extends Error { constructor(name, detail) { super(detail); this.code = E[name]; this.ename = name; } }

// ---- layouts from the schemas --------------------------------------------------------------
const common = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'common.schema.json'), 'utf8'));
const WIRE = common['x-wire'];
const MAX_MESSAGE = WIRE.max_message_length;     // REL-020: 65535 bytes
const MAX_EXTENSIONS = WIRE.max_extensions;      // REL-021: 32 extensions
const SIZES = { u8: 1, u16: 2, u32: 4, u64: 8 };
function resolve(prop) {
  if (!prop.$ref) return prop;
  const base = resolve(common.$defs[prop.$ref.split('#/$defs/')[1]]);
  const out = Object.assign({}, base, prop); delete out.$ref; return out;
}
function node(prop) {
  const p = resolve(prop); const w = p['x-wire'] || {};
  if (p.type === 'object') return { kind: 'object', fields: w.layout.map(f => [f, node(p.properties[f])]) };
  if (w.format in SIZES) {
    // An enumeration: assigned codes by name; an open one also takes unassigned codes as integers.
    if (w.codes) return { kind: 'enum', fmt: w.format, codes: w.codes, open: Boolean(p['x-registry'] && p['x-registry'].open) };
    return { kind: 'uint', fmt: w.format, min: BigInt(p.minimum ?? 0),
      max: p.maximum !== undefined ? BigInt(p.maximum) : (1n << BigInt(8 * SIZES[w.format])) - 1n };
  }
  if (w.format === 'ascii8') return { kind: 'ascii', max: p.maxLength };
  if (w.format === 'array') return { kind: 'array', count: w.count, item: node(p.items), max: p.maxItems };
  throw new Error('no wire format');
}
const BY_NAME = {}; const BY_CODE = {};
for (const f of fs.readdirSync(SCHEMAS)) {
  if (!f.endsWith('.schema.json') || f === 'common.schema.json') continue;
  const s = JSON.parse(fs.readFileSync(path.join(SCHEMAS, f), 'utf8'));
  const spec = { name: s.title, code: s['x-wire'].type_code, body: node(s.properties.body) };
  BY_NAME[spec.name] = spec; BY_CODE[spec.code] = spec;
}

// ---- decode --------------------------------------------------------------------------------
function readUint(buf, pos, fmt) {
  let v = 0n; for (let k = 0; k < SIZES[fmt]; k++) v = (v << 8n) | BigInt(buf[pos + k]); return v;
}
function num(v) { return v > BigInt(Number.MAX_SAFE_INTEGER) ? v : Number(v); }
function decodeNode(n, buf, st, where) {
  const need = k => { if (st.pos + k > st.end) throw new Reject('TRUNCATED', where + ' runs past the body'); };
  if (n.kind === 'uint' || n.kind === 'enum') {
    need(SIZES[n.fmt]); const v = readUint(buf, st.pos, n.fmt); st.pos += SIZES[n.fmt];
    st.checks.push(() => {
      if (n.kind === 'enum') { const name = Object.keys(n.codes).find(k => BigInt(n.codes[k]) === v);
        if (name !== undefined) return name;
        if (n.open) return num(v);              // WIRE-040: an unassigned code stays an integer
        throw new Reject('FIELD_OUT_OF_RANGE', where); }
      if (v < n.min || v > n.max) throw new Reject('FIELD_OUT_OF_RANGE', where); return num(v); });
    return st.checks.length - 1;
  }
  if (n.kind === 'ascii') {
    need(1); const len = buf[st.pos]; st.pos += 1; need(len);
    const bytes = buf.slice(st.pos, st.pos + len); st.pos += len;
    st.checks.push(() => { if (bytes.some(b => b < 0x20 || b > 0x7e)) throw new Reject('FIELD_OUT_OF_RANGE', where);
      return Buffer.from(bytes).toString('ascii'); });
    return st.checks.length - 1;
  }
  if (n.kind === 'array') {
    need(SIZES[n.count]); const count = Number(readUint(buf, st.pos, n.count)); st.pos += SIZES[n.count];
    const items = []; for (let k = 0; k < count; k++) items.push(decodeNode(n.item, buf, st, where + '[]'));
    st.checks.push(() => { if (count > n.max) throw new Reject('FIELD_OUT_OF_RANGE', where);
      return items.map(ix => st.values(ix)); });
    return st.checks.length - 1;
  }
  const parts = n.fields.map(([f, c]) => [f, decodeNode(c, buf, st, where + '.' + f)]);
  st.checks.push(() => Object.fromEntries(parts.map(([f, ix]) => [f, st.values(ix)])));
  return st.checks.length - 1;
}
function decode(hex) {
  const buf = Buffer.from(hex, 'hex');
  if (buf.length < 20) throw new Reject('TRUNCATED', 'header');
  const version = buf[0], type = buf[1], flags = buf[2], reserved = buf[3];
  const length = buf.readUInt32BE(4);
  if (version !== 1) throw new Reject('UNSUPPORTED_VERSION', 'version');
  if (length > MAX_MESSAGE) throw new Reject('TOO_LARGE', 'length');       // REL-020, before the body
  if (length !== buf.length) throw new Reject('LENGTH_MISMATCH', 'length');
  if (flags & ~WIRE.flags.AUTH) throw new Reject('RESERVED_BITS_SET', 'flags');
  if (reserved) throw new Reject('RESERVED_BITS_SET', 'reserved');
  const spec = BY_CODE[type];
  if (!spec) throw new Reject('UNKNOWN_MESSAGE_TYPE', 'type');
  let end = length; let auth = null;
  if (flags & WIRE.flags.AUTH) {
    end = length - WIRE.auth_trailer_length;
    if (end < 20) throw new Reject('TRUNCATED', 'auth');
    auth = { key_id: buf.readUInt32BE(end), tag: buf.slice(end + 4, length).toString('hex') };
  }
  const cache = {};
  const st = { pos: 20, end, checks: [], values: ix => (ix in cache ? cache[ix] : (cache[ix] = st.checks[ix]())) };
  const root = decodeNode(spec.body, buf, st, 'body');
  const bodyEnd = st.pos;
  const body = st.values(root);
  const extensions = []; let pos = bodyEnd;
  while (pos < end) {
    if (extensions.length === MAX_EXTENSIONS) throw new Reject('TOO_LARGE', 'extensions');   // a 33rd (REL-021)
    if (end - pos < 4) throw new Reject('MALFORMED_EXTENSION', 'extensions');
    const word = buf.readUInt16BE(pos), len = buf.readUInt16BE(pos + 2); pos += 4;
    if (pos + len > end) throw new Reject('MALFORMED_EXTENSION', 'extensions');
    const t = word & 0x7fff, critical = Boolean(word & WIRE.critical_bit);
    const known = WIRE.known_extensions[String(t)];
    if (!known && critical) throw new Reject('UNKNOWN_CRITICAL_EXTENSION', 'extensions');
    if (known && known.length !== undefined && known.length !== len) throw new Reject('MALFORMED_EXTENSION', 'extensions');
    extensions.push({ type: t, critical, value: buf.slice(pos, pos + len).toString('hex') }); pos += len;
  }
  return { version, type: spec.name, message_id: buf.readUInt32BE(8), source: buf.readUInt32BE(12),
    destination: buf.readUInt32BE(16), body, extensions, auth };
}

// ---- encode (JSON checks in the order of WIRE-017) -----------------------------------------
const isObj = v => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = v => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
function shape(n, v, where) {            // step 4: members and JSON types
  if (n.kind === 'uint') { if (!isInt(v)) throw new Reject('SCHEMA_VIOLATION', where); return; }
  if (n.kind === 'enum' && n.open) { if (typeof v !== 'string' && !isInt(v)) throw new Reject('SCHEMA_VIOLATION', where); return; }
  if (n.kind === 'enum' || n.kind === 'ascii') { if (typeof v !== 'string') throw new Reject('SCHEMA_VIOLATION', where); return; }
  if (n.kind === 'array') { if (!Array.isArray(v)) throw new Reject('SCHEMA_VIOLATION', where); v.forEach(x => shape(n.item, x, where)); return; }
  if (!isObj(v)) throw new Reject('SCHEMA_VIOLATION', where);
  const names = n.fields.map(f => f[0]);
  if (Object.keys(v).length !== names.length || !names.every(k => k in v)) throw new Reject('SCHEMA_VIOLATION', where);
  n.fields.forEach(([f, c]) => shape(c, v[f], where + '.' + f));
}
function range(n, v, where) {            // step 5: values
  if (n.kind === 'uint') { const b = BigInt(v); if (b < n.min || b > n.max) throw new Reject('FIELD_OUT_OF_RANGE', where); return; }
  if (n.kind === 'enum' && typeof v !== 'string') {   // an open enumeration's integer: unassigned codes only
    const b = BigInt(v);
    if (b < 0n || b >= 1n << BigInt(8 * SIZES[n.fmt])) throw new Reject('FIELD_OUT_OF_RANGE', where);
    if (Object.values(n.codes).some(c => BigInt(c) === b)) throw new Reject('FIELD_OUT_OF_RANGE', where);  // WIRE-042
    return;
  }
  if (n.kind === 'enum') { if (!Object.prototype.hasOwnProperty.call(n.codes, v)) throw new Reject('FIELD_OUT_OF_RANGE', where); return; }
  if (n.kind === 'ascii') { if (v.length > n.max || /[^\x20-\x7e]/.test(v)) throw new Reject('FIELD_OUT_OF_RANGE', where); return; }
  if (n.kind === 'array') { if (v.length > n.max) throw new Reject('FIELD_OUT_OF_RANGE', where); v.forEach(x => range(n.item, x, where)); return; }
  n.fields.forEach(([f, c]) => range(c, v[f], where + '.' + f));
}
function write(n, v, out) {
  if (n.kind === 'uint' || n.kind === 'enum') {
    let b = n.kind === 'enum' && typeof v === 'string' ? BigInt(n.codes[v]) : BigInt(v);
    const bytes = []; for (let k = 0; k < SIZES[n.fmt]; k++) { bytes.unshift(Number(b & 0xffn)); b >>= 8n; }
    out.push(...bytes); return;
  }
  if (n.kind === 'ascii') { out.push(v.length, ...Buffer.from(v, 'ascii')); return; }
  if (n.kind === 'array') { write({ kind: 'uint', fmt: n.count }, v.length, out); v.forEach(x => write(n.item, x, out)); return; }
  n.fields.forEach(([f, c]) => write(c, v[f], out));
}
const U32 = { kind: 'uint', fmt: 'u32', min: 0n, max: 0xffffffffn };
const ENVELOPE = ['version', 'type', 'message_id', 'source', 'destination', 'body', 'extensions', 'auth'];
function encode(msg) {
  if (!isObj(msg)) throw new Reject('SCHEMA_VIOLATION', '');
  if (msg.version !== 1) throw new Reject(isInt(msg.version) ? 'UNSUPPORTED_VERSION' : 'SCHEMA_VIOLATION', 'version');
  const spec = BY_NAME[msg.type];
  if (!spec) throw new Reject(typeof msg.type === 'string' ? 'UNKNOWN_MESSAGE_TYPE' : 'SCHEMA_VIOLATION', 'type');
  if (Object.keys(msg).length !== ENVELOPE.length || !ENVELOPE.every(k => k in msg)) throw new Reject('SCHEMA_VIOLATION', '');
  ['message_id', 'source', 'destination'].forEach(k => shape(U32, msg[k], k));
  shape(spec.body, msg.body, 'body');
  if (!Array.isArray(msg.extensions)) throw new Reject('SCHEMA_VIOLATION', 'extensions');
  for (const e of msg.extensions) {
    if (!isObj(e) || !isInt(e.type) || typeof e.critical !== 'boolean' || typeof e.value !== 'string'
      || !/^([0-9a-f]{2})*$/.test(e.value) || Object.keys(e).length !== 3) throw new Reject('SCHEMA_VIOLATION', 'extensions');
    if (e.type < 0 || e.type > 0x7fff) throw new Reject('FIELD_OUT_OF_RANGE', 'extensions');
  }
  if (msg.auth !== null) throw new Reject('SCHEMA_VIOLATION', 'auth');  // trailers not implemented
  ['message_id', 'source', 'destination'].forEach(k => range(U32, msg[k], k));
  range(spec.body, msg.body, 'body');
  msg.extensions.forEach((e, i) => {  // after the values, as decode judges them (WIRE-017)
    const known = WIRE.known_extensions[String(e.type)];
    if (!known && e.critical) throw new Reject('UNKNOWN_CRITICAL_EXTENSION', `extensions[${i}].type`);
    if (known && known.length !== undefined && known.length * 2 !== e.value.length) throw new Reject('MALFORMED_EXTENSION', `extensions[${i}].value`);
  });
  const out = [];
  write(spec.body, msg.body, out);
  for (const e of msg.extensions) {
    const value = Buffer.from(e.value, 'hex');
    const word = Number(e.type) | (e.critical ? WIRE.critical_bit : 0);
    out.push(word >> 8, word & 0xff, value.length >> 8, value.length & 0xff, ...value);
  }
  if (20 + out.length > MAX_MESSAGE) throw new Reject('TOO_LARGE', 'length');             // REL-020
  if (msg.extensions.length > MAX_EXTENSIONS) throw new Reject('TOO_LARGE', 'extensions');  // REL-021
  const head = Buffer.alloc(20);
  head[0] = 1; head[1] = spec.code; head.writeUInt32BE(20 + out.length, 4);
  head.writeUInt32BE(Number(msg.message_id), 8); head.writeUInt32BE(Number(msg.source), 12);
  head.writeUInt32BE(Number(msg.destination), 16);
  return Buffer.concat([head, Buffer.from(out)]).toString('hex');
}

// the type of each known extension, by name (chapter 02 section 6)
const EXTENSIONS = Object.fromEntries(Object.entries(WIRE.known_extensions).map(([t, e]) => [e.name, Number(t)]));

module.exports = { SCHEMAS, E, Reject, common, BY_NAME, BY_CODE, EXTENSIONS, decode, encode };
