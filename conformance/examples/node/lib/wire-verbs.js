// The verbs of the "wire" profile over the codec of ./wire.js.
'use strict';
const { Reject, decode, encode } = require('./wire');

// The message types whose vectors this example claims (WIRE profile; see the handshake). ACK and
// KEEPALIVE (chapter 11) are claimed for the codec only: the node never sends them.
const CLAIMED_TYPES = ['TEARDOWN', 'TEARDOWN_ACK', 'HERALD', 'CLOSE_ENDPOINT', 'SWAP_OUTCOME',
  'EXPIRE', 'EXPIRE_ACK', 'ATTEMPT', 'ACK', 'KEEPALIVE'];

function answer(fn) {
  try { return fn(); } catch (e) { if (e instanceof Reject) return { reject: { code: e.code, name: e.ename, detail: e.message } }; throw e; }
}

const WIRE_VERBS = {
  'wire.decode': a => (a.keys ? null : answer(() => ({ json: decode(a.hex) }))),   // no trailer verification
  'wire.encode': a => answer(() => ({ hex: encode(a.json) })),
};

module.exports = { CLAIMED_TYPES, WIRE_VERBS };
