// JSON with exact integers, as the driver protocol needs (u64 values, WIRE-015.1): an integer
// beyond 2^53 is parsed to a BigInt and written back as digits. Other values as JSON.parse.
'use strict';

function parseJson(text) {
  let i = 0;
  const fail = () => { throw new SyntaxError(`bad JSON at offset ${i}`); };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const obj = {}; ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws(); if (text[i] !== '"') fail();
        const key = value(); ws(); if (text[i++] !== ':') fail();
        obj[key] = value(); ws();
        const sep = text[i++]; if (sep === '}') return obj; if (sep !== ',') fail();
      }
    }
    if (c === '[') {
      i++; const arr = []; ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value()); ws();
        const sep = text[i++]; if (sep === ']') return arr; if (sep !== ',') fail();
      }
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)); i = j + 1; return s;
    }
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m[0].length;
    if (/^-?\d+$/.test(m[0])) {
      const big = BigInt(m[0]);
      const safe = big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER);
      return safe ? Number(big) : big;
    }
    return JSON.parse(m[0]);
  }
  const result = value(); ws();
  if (i !== text.length) fail();
  return result;
}

function dumpJson(v) {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return '[' + v.map(dumpJson).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    return '{' + Object.keys(v).filter(k => v[k] !== undefined)
      .map(k => JSON.stringify(k) + ':' + dumpJson(v[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

module.exports = { parseJson, dumpJson };
