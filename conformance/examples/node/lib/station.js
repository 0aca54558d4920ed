// A heralding station (spec chapter 03 section 3), started by node.start with config role
// "station" (capability node.station): it matches the two nodes' ATTEMPTs of a slot by
// (link_id, slot_ns); when both are in, it asks its device for one outcome per matched mode
// (the smaller of the two ATTEMPTs' modes, LINK-015.1) and sends both nodes the same HERALD,
// sequence numbers to successes only, in mode order, from 1 (LINK-004/005/006), and in every
// HERALD one LINK_SEQ, the highest seq assigned so far (LINK-023). A lone, doubled
// or foreign ATTEMPT gets ERROR ATTEMPT_MISMATCH to both nodes at the matching deadline
// (LINK-003.3), and an ATTEMPT for a new slot first ends the slot being collected so (LINK-104).
// Anything but ATTEMPT is refused with UNEXPECTED_MESSAGE, an ATTEMPT for another link or from
// another node with UNKNOWN_LINK (LINK-008); an ERROR is never answered (ERR-003).
'use strict';
const wire = require('./wire');
const { ERRORS, Outbox } = require('./outbox');
const WINDOW_NS = 10;   // matching deadline: this long after the first ATTEMPT of a slot
const ATTEMPT_TYPE = wire.BY_NAME.ATTEMPT.code;
const LINK_SEQ = wire.EXTENSIONS.LINK_SEQ;

// Without the harness's device every mode fails.
const LOCAL_DEVICE = { call: async (verb, args) => ({ outcomes: Array(args.modes).fill('FAILURE') }) };

class Station extends Outbox {
  constructor({ node_id, now_ns, config }, device) {
    super(Number(node_id));
    this.now = Number(now_ns);
    this.link = Number(config.link_id);
    [this.a, this.b] = config.nodes.map(Number).sort((x, y) => x - y);
    this.device = device || LOCAL_DEVICE;
    this.seq = 0;
    this.slot = null;       // slot being collected: {slot, deadline, by: Map(node -> [ATTEMPT])}
  }

  collect() {
    const result = { sent: this.out, events: [], next_deadline_ns: this.slot ? this.slot.deadline : null };
    this.out = [];
    return result;
  }

  mismatch() {
    const { slot, by } = this.slot;
    this.slot = null;
    for (const node of [this.a, this.b]) {
      const sent = by.get(node) || [];
      this.send('ERROR', node, { code: ERRORS.ATTEMPT_MISMATCH,
        offending_message_id: sent.length ? sent[0].message_id : 0, offending_type: ATTEMPT_TYPE,
        field: 'body.slot_ns', detail: `slot ${slot}: attempts do not match` });
    }
  }

  async herald() {
    const { slot, by } = this.slot;
    this.slot = null;
    const [ma, mb] = [by.get(this.a)[0].body, by.get(this.b)[0].body];
    const modes = Math.min(Number(ma.modes), Number(mb.modes));
    const { outcomes } = await this.device.call('device.resolve',
      { now_ns: this.now, link_id: this.link, slot_ns: slot, modes });
    const results = outcomes.map(outcome => {
      if (outcome === 'FAILURE') return { outcome, seq: 0 };
      this.seq = this.seq % 65535 + 1;
      return { outcome, seq: this.seq };
    });
    // LINK-023: the station's count, this HERALD's results included (u16, 0: none yet)
    const count = { type: LINK_SEQ, critical: false, value: this.seq.toString(16).padStart(4, '0') };
    for (const node of [this.a, this.b]) {
      this.send('HERALD', node, { link_id: this.link, slot_ns: slot, attempt_id_a: ma.attempt_id,
        attempt_id_b: mb.attempt_id, results: results.map(r => ({ ...r })) }, [{ ...count }]);
    }
  }

  async receive(now, msg) {
    await this.advance(now, false);
    if (Number(msg.destination) !== this.id) return this.collect();   // WIRE-013.2: not ours
    if (msg.type !== 'ATTEMPT') {
      this.refuse('UNEXPECTED_MESSAGE', 'type', `${msg.type} is not accepted by a heralding station`, msg);
      return this.collect();
    }
    const source = Number(msg.source);
    if (Number(msg.body.link_id) !== this.link || (source !== this.a && source !== this.b)) {
      this.refuse('UNKNOWN_LINK', 'body.link_id', 'link not served by this station', msg);
      return this.collect();
    }
    const slot = msg.body.slot_ns;
    if (this.slot && this.slot.slot !== slot) this.mismatch();   // LINK-104
    if (!this.slot) this.slot = { slot, deadline: now + WINDOW_NS, by: new Map() };
    const by = this.slot.by;
    by.set(source, [...(by.get(source) || []), msg]);
    if (by.size === 2 && [...by.values()].every(v => v.length === 1)) await this.herald();
    return this.collect();
  }

  async advance(now, collect = true) {
    if (now < this.now) throw new Error(`clock goes back from ${this.now} to ${now}`);
    this.now = now;
    if (this.slot && this.slot.deadline <= now) this.mismatch();   // LINK-003.3
    return collect ? this.collect() : null;
  }

  status() { return { circuits: [], qubits_in_use: 0 }; }
}

module.exports = { Station };
