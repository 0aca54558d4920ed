#!/usr/bin/env node
// A QVCP implementation in JavaScript (Node.js 20, no dependencies): the wire profile of
// qvcp-wire.js plus the LINK LAYER of a node (spec chapter 03, lib/node.js): ATTEMPT per slot,
// multiplexed over one mode per communication qubit it can use, HERALD checks (one result per
// matched mode; sequence rules, echo of attempt ids, unknown link), link pairs, EXPIRE /
// EXPIRE_ACK (answering its peer's, and expiring the seqs a lost HERALD skipped, retransmitted
// until acknowledged), with the minimum of signalling (SETUP forwarding, CONFIRM installing rules) and
// swapping (one BSM, SWAP_OUTCOME) that the link-layer scenarios need to have pairs at all;
// and, started with config role "station", a heralding station (lib/station.js).
//
// What it claims in the handshake (driver protocol 1, revision 3):
//   profiles ["wire", "node"], capabilities ["node.harness-device", "node.station"], the ten
//   message types of qvcp-wire.js, and chapters {"node": ["03-link-layer"]}: of the node
//   profile only the cases
//   of spec chapter 03 are judged; the harness reports every other node case (chapters 04, 05,
//   06, 07, 09 and the circuit-lifecycle property of chapter 05) "unsupported", so
//     qvcp conform --driver "exec:node conformance/examples/node/qvcp-node.js"
//   is a full run with no fail and no errored case.
//   With node.harness-device the harness plays the quantum device: ATTEMPTs (one device.attempt
//   per mode, mode 0 first), frees and BSMs are device calls (see lib/driver.js), made while
//   node.start, node.receive or node.advance is pending.
//   --local-device     do not claim node.harness-device: the node uses its own stand-in device
//                      (attempts always emit, BSMs report PHI_PLUS; a station's modes all fail)
//                      and the link-layer scenarios tagged @cap:node.harness-device are reported
//                      unsupported.
//   --claim-node, --harness-device   accepted for compatibility with 0.2.0; no effect.
'use strict';
const { serve } = require('./lib/driver');
const { CLAIMED_TYPES, WIRE_VERBS } = require('./lib/wire-verbs');
const { Node } = require('./lib/node');
const { Station } = require('./lib/station');

const argv = process.argv.slice(2);
const PROFILES = ['wire', 'node'];
const CHAPTERS = { node: ['03-link-layer'] };   // wire: every chapter (02 and 08) of the profile
const CAPABILITIES = [...(argv.includes('--local-device') ? [] : ['node.harness-device']), 'node.station'];

let node = null;
const need = () => { if (!node) throw new Error('node.start first'); return node; };

serve(Object.assign({
  hello: () => ({ protocol: 1, implementation: { name: 'qvcp-node-js', version: '0.5.0', language: 'JavaScript (Node.js)' },
    spec_version: '1.0', profiles: PROFILES, chapters: CHAPTERS, capabilities: CAPABILITIES,
    message_types: CLAIMED_TYPES }),
  reset: () => { node = null; return {}; },
  bye: () => { setImmediate(() => process.exit(0)); return {}; },
  'node.start': (a, device) => {
    const Kind = a.config && a.config.role === 'station' ? Station : Node;
    node = new Kind(a, a.harness_device ? device : null);
    return {};
  },
  'node.receive': a => need().receive(Number(a.now_ns), a.message),
  'node.advance': a => need().advance(Number(a.now_ns)),
  'node.status': () => need().status(),
}, WIRE_VERBS));
