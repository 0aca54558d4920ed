// The message codec of __QVCP_NAME__: write decode and encode here.
//
// driver.js calls them for the verbs wire.decode and wire.encode. Both follow the QVCP wire
// format (spec chapter 02; message layouts in the JSON Schemas' x-wire annotations; the test
// vectors show every rule at work). Until a function is written it throws NotImplemented,
// which driver.js reports as a rejection with code 0, so every wire case fails with
// "not implemented" in its evidence. Integers beyond 2^53 arrive and leave as BigInt.
'use strict';

// The message types this codec handles, by name ('HERALD', 'TEARDOWN', ...). The harness
// judges only the test vectors of claimed types; null claims every registered type.
const MESSAGE_TYPES = null;

// A protocol rejection: the registered error of schemas/errors.json that the input breaks,
// e.g. new Reject(1, 'TRUNCATED', '2 bytes, a header needs 20').
class Reject extends Error {
  constructor(code, name, detail = '') {
    super(`${name} (${code}): ${detail}`);
    this.code = code; this.name = name; this.detail = detail;
  }
}

class NotImplemented extends Error {}

// The canonical JSON form (an object) of the binary message `data` (a Buffer); throw a
// Reject for a message the specification rejects.
function decode(data) {
  throw new NotImplemented('decode() in codec.js is not written yet');
}

// The binary form (a Buffer) of `message` (any JSON value: a canonical JSON message, or
// something to reject); throw a Reject for a message the specification rejects.
function encode(message) {
  throw new NotImplemented('encode() in codec.js is not written yet');
}

module.exports = { MESSAGE_TYPES, Reject, NotImplemented, decode, encode };
