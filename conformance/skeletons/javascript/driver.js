#!/usr/bin/env node
// __QVCP_NAME__: a QVCP implementation speaking the conformance driver protocol, version 1.
//
// The harness (qvcp conform) starts this program and writes one JSON request per line on its
// stdin; the program writes one JSON response per line on its stdout. Logs go to stderr:
// anything else on stdout breaks the protocol. This file answers the handshake (hello), reset
// and bye, and the verbs of the wire profile (wire.decode, wire.encode) by calling decode and
// encode in codec.js; every other verb is answered with the error kind "unsupported".
// Node.js 18 or later, no packages.
//
//   qvcp conform --driver "exec:node driver.js" --profile wire
'use strict';
const readline = require('readline');
const { parseJson, dumpJson } = require('./json');
const codec = require('./codec');

const IMPLEMENTATION = { name: '__QVCP_NAME__', version: '0.1.0', language: 'JavaScript (Node.js)' };
// No registered error has code 0 (schemas/errors.json): a stub that is not written yet answers
// with it, so every case that reaches the stub fails, and its evidence says why.
const NOT_IMPLEMENTED = 0;

class Unsupported extends Error {}

function hello() {
  const result = { protocol: 1, implementation: IMPLEMENTATION, spec_version: '1.0',
    profiles: ['wire'], capabilities: [] };
  if (codec.MESSAGE_TYPES !== null) result.message_types = codec.MESSAGE_TYPES;  // absent: every type
  return result;
}

function wireAnswer(fn) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof codec.Reject) return { reject: { code: e.code, name: e.name, detail: e.detail } };
    if (e instanceof codec.NotImplemented) {
      return { reject: { code: NOT_IMPLEMENTED, name: 'NOT_IMPLEMENTED', detail: e.message } };
    }
    throw e;
  }
}

const VERBS = {
  hello,
  reset: () => ({}),
  bye: () => ({}),
  'wire.decode': args => {
    if (args.keys !== undefined && args.keys !== null) {
      throw new Unsupported('authentication trailers are not verified (wire.auth not claimed)');
    }
    return wireAnswer(() => ({ json: codec.decode(Buffer.from(args.hex, 'hex')) }));
  },
  'wire.encode': args => wireAnswer(() => ({ hex: codec.encode(args.json).toString('hex') })),
};

function answer(request) {
  const handler = VERBS[request.verb];
  try {
    if (!handler) throw new Unsupported(`verb ${request.verb} is not implemented`);
    return { id: request.id, result: handler(request.args || {}) };
  } catch (e) {
    if (e instanceof Unsupported) return { id: request.id, error: { kind: 'unsupported', message: e.message } };
    process.stderr.write(`${request.verb}: ${e.stack || e}\n`);   // a bug: say so, keep serving
    return { id: request.id, error: { kind: 'failed', message: String(e.message || e) } };
  }
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', line => {
  if (!line.trim()) return;
  const request = parseJson(line);   // exact integers: values beyond 2^53 become BigInt
  process.stdout.write(dumpJson(answer(request)) + '\n');
  if (request.verb === 'bye') rl.close();
});
rl.on('close', () => process.exit(0));
