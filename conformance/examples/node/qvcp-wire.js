#!/usr/bin/env node
// A QVCP implementation in JavaScript, speaking the conformance driver protocol (JSON lines
// over stdio). It implements the "wire" profile generically from the JSON Schemas' x-wire
// layouts (lib/wire.js), for the message types listed in CLAIMED_TYPES: vectors of other types
// are reported "unsupported" by the harness, never "passed". No authentication trailer
// verification (capability wire.auth is not claimed). Run:
//   qvcp conform --driver "exec:node conformance/examples/node/qvcp-wire.js"
// qvcp-node.js adds the link layer of a node (profile "node") on top of this.
'use strict';
const { serve } = require('./lib/driver');
const { CLAIMED_TYPES, WIRE_VERBS } = require('./lib/wire-verbs');

serve(Object.assign({
  hello: () => ({ protocol: 1, implementation: { name: 'qvcp-wire-js', version: '0.1.0', language: 'JavaScript (Node.js)' },
    spec_version: '1.0', profiles: ['wire'], capabilities: [], message_types: CLAIMED_TYPES }),
  reset: () => ({}),
  bye: () => { setImmediate(() => process.exit(0)); return {}; },
}, WIRE_VERBS));
