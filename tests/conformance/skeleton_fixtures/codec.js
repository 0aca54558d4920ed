// A known-good codec.js for the JavaScript driver skeleton: decode and encode delegate to the
// codec of the Node.js example (conformance/examples/node/lib/wire.js, generic over the
// schemas' x-wire layouts), with the message types that example claims. QVCP_ROOT names the
// repository.
'use strict';
const path = require('path');

const wire = require(path.join(process.env.QVCP_ROOT, 'conformance/examples/node/lib/wire.js'));
const { CLAIMED_TYPES } = require(path.join(process.env.QVCP_ROOT,
  'conformance/examples/node/lib/wire-verbs.js'));

const MESSAGE_TYPES = CLAIMED_TYPES;

class Reject extends Error {
  constructor(code, name, detail = '') {
    super(`${name} (${code}): ${detail}`);
    this.code = code; this.name = name; this.detail = detail;
  }
}

class NotImplemented extends Error {}

function translated(fn) {
  try { return fn(); } catch (e) {
    if (e instanceof wire.Reject) throw new Reject(e.code, e.ename, e.message);
    throw e;
  }
}

const decode = data => translated(() => wire.decode(data.toString('hex')));
const encode = message => translated(() => Buffer.from(wire.encode(message), 'hex'));

module.exports = { MESSAGE_TYPES, Reject, NotImplemented, decode, encode };
