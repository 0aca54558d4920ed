#!/usr/bin/env node
// A QVCP implementation in JavaScript (Node.js 20, no dependencies): the wire profile of
// qvcp-wire.js plus the LINK LAYER of a node (spec chapter 03, lib/node.js): ATTEMPT per slot,
// HERALD checks (sequence rules, echo of attempt ids, unknown link), link pairs, EXPIRE /
// EXPIRE_ACK, with the minimum of signalling (SETUP forwarding, CONFIRM installing rules) and
// swapping (one BSM, SWAP_OUTCOME) that the link-layer scenarios need to have pairs at all.
//
// What it claims in the handshake:
//   default            profiles ["wire"]: identical claims to qvcp-wire.js. The claim vocabulary
//                      of driver protocol 1 (profiles, capabilities, message_types) cannot say
//                      "only the link-layer part of the node profile": claiming "node" makes
//                      every node case (signalling, tracking, delivery, errors, the lifecycle
//                      property) judged, and this example would fail them for lack of support.
//   --claim-node       profiles ["wire", "node"]. Only meaningful together with a selection of
//                      the link-layer cases:
//     qvcp conform --driver "exec:node conformance/examples/node/qvcp-node.js --claim-node" \
//                  --select 'node.bdd.03-link-layer.*'
//   --harness-device   also claim capability node.harness-device: ATTEMPTs, frees and BSMs go to
//                      the harness's device through device calls (see lib/driver.js). Not usable
//                      with qvcp-conform 0.1.0 over stdio: its node harness lends the device only
//                      while node.start is pending and refuses device calls made during
//                      node.receive / node.advance ("no harness device in this case"), so every
//                      case errors. Without it the two link-layer scenarios tagged
//                      @cap:node.harness-device are reported unsupported.
'use strict';
const { serve } = require('./lib/driver');
const { CLAIMED_TYPES, WIRE_VERBS } = require('./lib/wire-verbs');
const { Node } = require('./lib/node');

const argv = process.argv.slice(2);
const PROFILES = argv.includes('--claim-node') ? ['wire', 'node'] : ['wire'];
const CAPABILITIES = argv.includes('--harness-device') ? ['node.harness-device'] : [];

let node = null;
const need = () => { if (!node) throw new Error('node.start first'); return node; };

serve(Object.assign({
  hello: () => ({ protocol: 1, implementation: { name: 'qvcp-node-js', version: '0.2.0', language: 'JavaScript (Node.js)' },
    spec_version: '1.0', profiles: PROFILES, capabilities: CAPABILITIES, message_types: CLAIMED_TYPES }),
  reset: () => { node = null; return {}; },
  bye: () => { setImmediate(() => process.exit(0)); return {}; },
  'node.start': (a, device) => { node = new Node(a, a.harness_device ? device : null); return {}; },
  'node.receive': a => need().receive(Number(a.now_ns), a.message),
  'node.advance': a => need().advance(Number(a.now_ns)),
  'node.status': () => need().status(),
}, WIRE_VERBS));
