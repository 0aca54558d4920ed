// What a node or a heralding station sends: schema-valid messages numbered from one counter
// (each is encoded with the wire codec first, so an invalid one fails the request), and
// ERRORs that echo the message they answer (ERR-001), never one for an ERROR (ERR-003).
'use strict';
const fs = require('fs');
const path = require('path');
const wire = require('./wire');

const ERRORS = Object.fromEntries(JSON.parse(fs.readFileSync(path.join(wire.SCHEMAS, '..', 'errors.json'), 'utf8'))
  .errors.map(e => [e.name, e.code]));

class Outbox {
  constructor(id) { this.id = id; this.msgIds = 0; this.out = []; }

  send(type, destination, body, extensions = []) {
    const msg = { version: 1, type, message_id: ++this.msgIds, source: this.id, destination,
      body, extensions, auth: null };
    wire.encode(msg);   // throws (driver error "failed") if this would send an invalid message
    this.out.push(msg);
    return msg;
  }

  refuse(ename, field, detail, msg) {
    if (!msg || msg.type === 'ERROR') return;   // never answer an ERROR with an ERROR
    const spec = wire.BY_NAME[msg.type];
    this.send('ERROR', msg.source, { code: ERRORS[ename], offending_message_id: msg.message_id || 0,
      offending_type: spec ? spec.code : 0, field: String(field).slice(0, 255), detail: String(detail).slice(0, 255) });
  }
}

module.exports = { ERRORS, Outbox };
