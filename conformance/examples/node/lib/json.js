// JSON with exact integers (WIRE-015.1, WIRE-015.2) for the driver protocol: integers beyond 2^53 are BigInt.
'use strict';
function parseJson(text) {
  let i = 0;
  const ws = () => { while (' \t\n\r'.includes(text[i])) i++; };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') { i++; const o = {}; ws(); if (text[i] === '}') { i++; return o; }
      for (;;) { ws(); const k = value(); ws(); i++; o[k] = value(); ws(); if (text[i++] === '}') return o; } }
    if (c === '[') { i++; const a = []; ws(); if (text[i] === ']') { i++; return a; }
      for (;;) { a.push(value()); ws(); if (text[i++] === ']') return a; } }
    if (c === '"') { let j = i + 1; while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)); i = j + 1; return s; }
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?|^true|^false|^null/.exec(text.slice(i));
    i += m[0].length;
    if (/^-?\d+$/.test(m[0])) { const b = BigInt(m[0]); return (b > Number.MAX_SAFE_INTEGER || b < -Number.MAX_SAFE_INTEGER) ? b : Number(b); }
    return JSON.parse(m[0]);
  }
  return value();
}
function dumpJson(v) {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return '[' + v.map(dumpJson).join(',') + ']';
  if (v && typeof v === 'object') return '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + dumpJson(v[k])).join(',') + '}';
  return JSON.stringify(v);
}

module.exports = { parseJson, dumpJson };
