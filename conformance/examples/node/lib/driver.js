// The conformance driver protocol, version 1 (schemas/meta/driver.schema.json): one JSON request
// per line on stdin, one JSON response per line on stdout, logs on stderr. While a request is
// pending the implementation may call the harness's quantum device ({"call": n, "verb", "args"});
// the harness answers on stdin ({"call": n, "result"} or {"call": n, "error"}) before the
// response. Requests are handled one at a time, in order.
'use strict';
const readline = require('readline');
const { parseJson, dumpJson } = require('./json');

class Unsupported extends Error {}

function serve(verbs) {
  const queue = [];
  const calls = new Map();   // call number -> {resolve, reject}
  let nextCall = 0;
  let busy = false;
  const write = obj => process.stdout.write(dumpJson(obj) + '\n');

  // The device the harness lends the node: each call is a round trip over stdio.
  const device = {
    call(verb, args) {
      const n = ++nextCall;
      write({ call: n, verb, args });
      return new Promise((resolve, reject) => calls.set(n, { resolve, reject }));
    },
  };

  async function pump() {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const req = queue.shift();
      let reply;
      try {
        const fn = verbs[req.verb];
        if (!fn) throw new Unsupported(`verb ${req.verb} not implemented`);
        const result = await fn(req.args || {}, device);
        if (result === null) throw new Unsupported(`verb ${req.verb} not implemented for these arguments`);
        reply = { id: req.id, result };
      } catch (e) {
        if (!(e instanceof Unsupported)) process.stderr.write(`${req.verb}: ${e.stack || e}\n`);
        reply = { id: req.id, error: { kind: e instanceof Unsupported ? 'unsupported' : 'failed', message: String(e.message || e) } };
      }
      write(reply);
    }
    busy = false;
  }

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', line => {
    if (!line.trim()) return;
    const msg = parseJson(line);
    if (msg.call !== undefined && msg.verb === undefined) {   // the harness answers a device call
      const waiter = calls.get(Number(msg.call));
      if (!waiter) { process.stderr.write(`answer to unknown device call ${msg.call}\n`); return; }
      calls.delete(Number(msg.call));
      if (msg.error) waiter.reject(new Error(`device call refused: ${msg.error.kind}: ${msg.error.message || ''}`));
      else waiter.resolve(msg.result);
      return;
    }
    queue.push(msg);
    pump();
  });
  rl.on('close', () => process.exit(0));
}

module.exports = { serve, Unsupported };
