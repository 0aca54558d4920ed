// One QVCP node, restricted to the link layer (spec chapter 03) plus the minimum of signalling
// the link layer needs to have something to attempt for:
//   * SETUP at a router is forwarded with this node's hop record appended; at the tail end it is
//     answered with CONFIRM carrying the baseline rules (chapter 05 s.7). No admission control,
//     no REJECT, no timeouts. A TEARDOWN releases the circuit and goes on to the other
//     neighbour (TEARDOWN_ACK to its sender), with nothing retransmitted.
//   * CONFIRM installs this node's rules; each GENERATE rule puts the circuit into its link's
//     rotation: at once on the link the CONFIRM came across, one peer delay (the link's
//     signalling latency) after sending it on the link it goes across (FWD-011, FWD-012). A
//     TEARDOWN removes it at once from the link it came across, one peer delay after sending it
//     from the link it goes across (FWD-013, FWD-014). A router's CONFIRM is passed on towards
//     the head end.
//   * Link layer: while a link's rotation holds a circuit, one ATTEMPT in every attempt slot
//     (LINK-001.1, LINK-002, LINK-020), multiplexed over as many modes as the slot can use: one
//     communication qubit per mode, modes = min(idle communication qubits, free memory qubits,
//     the circuit's slots_per_link less the pairs it holds on the link), 0 when that is none or
//     the circuit is leaving the rotation. HERALD checks (LINK-005.3, LINK-006.2, LINK-006.3,
//     LINK-008, LINK-015.4, LINK-021): one result per matched mode, mode 0 first; modes without a result
//     failed; a HERALD with more results than the ATTEMPT's modes is refused whole (one with none
//     is no error); a result with an invalid seq is refused alone. Link pairs recorded under
//     (link_id, seq), each with the qubit of its mode (LINK-013.1), herald timeout (LINK-009),
//     EXPIRE / EXPIRE_ACK (LINK-010.2, LINK-011.1, LINK-012.1, LINK-014), ERROR from the station ends the attempt.
//   * A success whose seq skips seqs the node was never heralded (a HERALD lost on its way), or
//     the LINK_SEQ of a HERALD for its attempt in flight ahead of the seqs it knows, makes it send
//     its link peer EXPIRE for them (LINK-016, LINK-024, LINK-010.1), retransmitted with the same
//     message_id until the matching EXPIRE_ACK, at the timers of chapter 11 (LINK-012.2, REL-005);
//     the LINK_SEQ of a HERALD it discards is not used (LINK-025). An EXPIRE of seqs it found
//     missing itself is acknowledged and frees nothing (LINK-010.2).
//     No ACK, no KEEPALIVE: chapter 11 itself is not implemented.
//   * A SWAP rule swaps as soon as both links hold a pair of the circuit: one BSM on the device,
//     SWAP_OUTCOME to both new partners (TRK-001.1, TRK-002, TRK-003.1). Nothing else of chapter 04 (no
//     incoming SWAP_OUTCOME / DISCARD processing, no cutoffs), nothing of chapter 06 (delivery).
// Everything the node sends is encoded with the wire codec first, so it is schema-valid; a message
// addressed to another node is discarded silently (WIRE-013.2).
'use strict';
const wire = require('./wire');
const { Outbox } = require('./outbox');
const DEFS = wire.common.$defs;
const BELL = DEFS.bell_state['x-wire'].codes;                 // name -> code
const BELL_NAME = Object.fromEntries(Object.entries(BELL).map(([k, v]) => [v, k]));
const HERALD = DEFS.herald_outcome['x-wire'].codes;           // FAILURE: 255, PSI_PLUS: 1, ...
const FAILURE = HERALD.FAILURE;
const HERALD_TIMEOUT_SLOTS = 3;
const LINK_SEQ = wire.EXTENSIONS.LINK_SEQ;
const REMEMBERED = 4096;   // seqs remembered as heralded, and as found missing, per link
const nextSeq = s => (s % 65535) + 1;
const seqsBetween = (last, seq) => (((seq - 1 - (last % 65535)) % 65535) + 65535) % 65535;

// LINK-024: the first LINK_SEQ of a HERALD (the highest seq the station has assigned), or null
function stationSeq(msg) {
  const e = (msg.extensions || []).find(x => Number(x.type) === LINK_SEQ && x.value.length === 4);
  return e ? parseInt(e.value, 16) : null;
}
// Retransmission timers of an EXPIRE (spec chapter 11 section 3 defaults; the node config may set them)
const RTO_INITIAL_NS = 2000000;
const RTO_MAX_NS = 1000000000;
const MAX_RETRANSMISSIONS = 6;

class ProtocolError extends Error {
  constructor(name, detail, field) { super(detail); this.ename = name; this.field = field || ''; }
}

// A device that is not the harness's: attempts always "emit", BSMs report PHI_PLUS.
const LOCAL_DEVICE = { call: async verb => (verb === 'device.bsm' ? { code: 0 } : verb === 'device.measure' || verb === 'device.distil' ? { bit: 0 } : {}) };

class Node extends Outbox {
  constructor({ node_id, now_ns, config }, device) {
    super(Number(node_id));
    this.now = Number(now_ns);
    this.config = config;
    this.role = config.role || 'end';
    this.device = device || LOCAL_DEVICE;
    this.events = [];
    this.freeQubits = [];
    for (let q = (config.memory_qubits || 1) - 1; q >= 0; q--) this.freeQubits.push(q);
    this.commQubits = config.comm_qubits || 1;
    this.slotsPerLink = config.slots_per_link || 1;
    this.rtoInitial = Number(config.rto_initial_ns || RTO_INITIAL_NS);
    this.rtoMax = Number(config.rto_max_ns || RTO_MAX_NS);
    this.maxRetransmissions = Number(config.max_retransmissions || MAX_RETRANSMISSIONS);
    this.links = new Map();
    for (const lc of config.links || []) {
      this.links.set(Number(lc.link_id), {
        id: Number(lc.link_id), peer: Number(lc.peer), station: Number(lc.station), slot: Number(lc.slot_ns),
        period: Number(lc.attempt_period || 1),   // LINK-017: attempt slots are multiples of it
        peerDelay: Number(lc.peer_delay_ns || 0), // signalling latency to the peer (FWD-011, FWD-013)
        rotation: new Map(),      // circuit -> [joins, leaves] (FWD-003, FWD-011 to FWD-014)
        rate: Number(lc.rate_mhz || 0), fidelity: lc.fidelity === undefined ? 0 : lc.fidelity,
        circuits: [],             // circuits whose GENERATE rule is installed on the link
        nextSlotAt: null,         // slot timer
        lastSlot: -1,
        counter: 0,               // attempt ids (LINK-001.2)
        attempt: null,            // {slot, id, circuit, qubits (mode 0 first), msgId, deadline}
        heralded: new Map(),      // seq -> circuit, every pair heralded on the link (LINK-010.2)
        held: new Map(),          // seq -> {circuit, qubit, bell, created} pairs still held
        lastSeq: 0,               // highest seq heralded to the node or found missing, 0: none yet (LINK-016)
        missing: new Set(),       // seqs found missing and expired at the peer (LINK-016, LINK-024)
      });
    }
    this.expires = [];           // EXPIREs sent and not yet acknowledged: {msg, deadline, rto, tries}
    this.circuits = new Map();   // circuit id -> {route, state, rules, swaps}
  }

  // ---- outputs (send and refuse: lib/outbox.js) ---------------------------------------------
  error(err, msg) { this.refuse(err.ename, err.field, err.message, msg); }

  collect() {
    const result = { sent: this.out, events: this.events, next_deadline_ns: this.nextDeadline() };
    this.out = []; this.events = [];
    return result;
  }

  nextDeadline() {
    let best = null;
    for (const link of this.links.values()) {
      for (const t of [link.nextSlotAt, link.attempt && link.attempt.deadline]) {
        if (t !== null && t !== undefined && (best === null || t < best)) best = t;
      }
    }
    for (const e of this.expires) if (best === null || e.deadline < best) best = e.deadline;
    return best;
  }

  qubitsInUse() { return (this.config.memory_qubits || 1) - this.freeQubits.length; }

  // ---- driver verbs -----------------------------------------------------------------------
  async receive(now, msg) {
    await this.advance(now, false);
    if (Number(msg.destination) !== this.id) return this.collect();   // WIRE-013.2: not ours
    try {
      await this.dispatch(msg);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.error(e, msg);
    }
    return this.collect();
  }

  async advance(now, collect = true) {
    if (now < this.now) throw new Error(`clock goes back from ${this.now} to ${now}`);
    this.now = now;
    for (const link of this.links.values()) {
      if (link.attempt && link.attempt.deadline <= now) {   // LINK-009: no HERALD in time
        await this.endAttempt(link, false);
        this.arm(link);
      }
      if (link.nextSlotAt !== null && link.nextSlotAt <= now) await this.startSlot(link);
    }
    this.retransmitExpires();
    return collect ? this.collect() : null;
  }

  status() {
    return { qubits_in_use: this.qubitsInUse(),
      circuits: [...this.circuits.entries()].map(([id, c]) => ({ circuit_id: id, state: c.state })) };
  }

  // ---- dispatch ---------------------------------------------------------------------------
  async dispatch(msg) {
    const body = msg.body;
    switch (msg.type) {
      case 'HERALD': case 'EXPIRE': case 'EXPIRE_ACK': {
        const link = this.links.get(Number(body.link_id));
        if (!link || (msg.source !== link.station && msg.source !== link.peer)) {   // LINK-008
          throw new ProtocolError('UNKNOWN_LINK', link ? 'source is not a member of the link' : 'link not configured here', 'body.link_id');
        }
        if (msg.type === 'HERALD') return this.onHerald(link, msg);
        if (msg.type === 'EXPIRE') return this.onExpire(link, msg);
        return this.onExpireAck(link, msg);
      }
      case 'ERROR': {
        for (const link of this.links.values()) {
          if (msg.source === link.station && link.attempt && body.offending_message_id === link.attempt.msgId) {
            await this.endAttempt(link, false);
            this.arm(link);
          }
        }
        return undefined;
      }
      case 'SETUP': return this.onSetup(msg);
      case 'CONFIRM': return this.onConfirm(msg);
      case 'TEARDOWN': return this.onTeardown(msg);
      case 'TEARDOWN_ACK': return undefined;
      default:
        throw new ProtocolError('UNEXPECTED_MESSAGE', `${msg.type} is not handled by this example node`, 'type');
    }
  }

  // ---- link layer -------------------------------------------------------------------------
  arm(link) {
    const k = Math.max(Math.ceil(this.now / link.slot), link.lastSlot + 1);   // LINK-002: one attempt per slot
    for (const [c, [, leaves]] of link.rotation) if (leaves <= k * link.slot) link.rotation.delete(c);
    if (!link.rotation.size) { link.nextSlotAt = null; return; }
    link.nextSlotAt = Math.ceil(k / link.period) * link.period * link.slot;   // LINK-017: the next attempt slot
  }

  // FWD-003: the circuits of the link's rotation at time t, ascending
  owners(link, t) {
    return [...link.rotation].filter(([, [joins, leaves]]) => joins <= t && t < leaves)
      .map(([c]) => c).sort((x, y) => x - y);
  }

  usedBy(circuit, link) {
    return [...link.held.values()].filter(p => p.circuit === circuit).length
      + (link.attempt && link.attempt.circuit === circuit ? link.attempt.qubits.length : 0);
  }

  commBusy() { return [...this.links.values()].reduce((n, l) => n + (l.attempt ? l.attempt.qubits.length : 0), 0); }

  async startSlot(link) {
    const k = Math.floor(this.now / link.slot);
    const slot = k * link.slot;
    const owners = this.owners(link, slot);
    link.nextSlotAt = null;
    if (!owners.length) {   // FWD-015: no circuit has joined yet (or all have left): no attempt
      link.lastSlot = k;
      this.arm(link);
      return;
    }
    const circuit = owners[Math.floor(k / link.period) % owners.length];   // FWD-003: attempt slots
    // LINK-001.3, LINK-002: one mode per communication qubit, each with a memory qubit of the
    // circuit's quota; LINK-020: 0 when there is none, or the circuit is leaving the rotation
    const modes = !link.circuits.includes(circuit) ? 0 : Math.max(0, Math.min(
      this.commQubits - this.commBusy(), this.freeQubits.length,
      this.slotsPerLink - this.usedBy(circuit, link), 255));
    const qubits = [];
    for (let m = 0; m < modes; m++) qubits.push(this.freeQubits.pop());
    link.counter = (link.counter + 1) % 2 ** 32;
    link.lastSlot = k;
    for (const qubit of qubits) {   // one device.attempt per mode, mode 0 first
      await this.device.call('device.attempt', { now_ns: this.now, link_id: link.id, slot_ns: slot, qubit });
    }
    const msg = this.send('ATTEMPT', link.station, { link_id: link.id, attempt_id: link.counter, slot_ns: slot, modes });
    link.attempt = { slot, id: link.counter, circuit, qubits, msgId: msg.message_id,
      deadline: slot + HERALD_TIMEOUT_SLOTS * link.slot * link.period };
  }

  async endAttempt(link, keep) {
    const a = link.attempt;
    link.attempt = null;
    if (!keep) for (const qubit of a.qubits) await this.freeQubit(qubit);
    return a;
  }

  async freeQubit(qubit) {
    await this.device.call('device.free', { now_ns: this.now, qubit });
    this.freeQubits.push(qubit);
  }

  async onHerald(link, msg) {
    const b = msg.body;
    const a = link.attempt;
    if (!a) throw new ProtocolError('ATTEMPT_MISMATCH', 'HERALD for a slot without attempt', 'body.slot_ns');
    const mine = this.id < link.peer ? b.attempt_id_a : b.attempt_id_b;
    if (Number(b.slot_ns) !== a.slot) {   // LINK-006.2, LINK-006.3: another slot's HERALD (delayed
      // or duplicated) is refused; the attempt in flight keeps waiting for its own
      throw new ProtocolError('ATTEMPT_MISMATCH', 'HERALD for a slot without attempt', 'body.slot_ns');
    }
    if (Number(mine) !== a.id) {   // LINK-006.2: this slot answered for another attempt: it ends
      await this.endAttempt(link, false);
      this.arm(link);
      throw new ProtocolError('ATTEMPT_MISMATCH', 'HERALD echoes a foreign attempt',
        this.id < link.peer ? 'body.attempt_id_a' : 'body.attempt_id_b');
    }
    const results = Array.isArray(b.results) ? b.results : [];
    if (a.abandoned) {   // its circuit was torn down: the HERALD is expected, it makes no pair
      await this.endAttempt(link, false);
      this.noteAssigned(link, stationSeq(msg));   // LINK-024: accepted, for the attempt in flight
      this.arm(link);
      return;
    }
    if (results.length > a.qubits.length) {   // LINK-015.4: refuse the whole HERALD (none: LINK-021)
      await this.endAttempt(link, false);
      this.arm(link);
      throw new ProtocolError('ATTEMPT_MISMATCH', `${results.length} results for an attempt of ${a.qubits.length} modes`,
        'body.results');
    }
    await this.endAttempt(link, true);   // the qubits are now the results' (or freed below)
    let paired = false;
    for (let i = 0; i < a.qubits.length; i++) {
      const qubit = a.qubits[i];
      if (i >= results.length) { await this.freeQubit(qubit); continue; }   // LINK-015.3: unmatched mode failed
      const r = results[i];
      // WIRE-044: an unassigned outcome (an integer in the JSON form) is a failed mode, no ERROR
      if (typeof r.outcome !== 'string') { await this.freeQubit(qubit); continue; }
      const code = HERALD[r.outcome];
      const seq = Number(r.seq);
      // LINK-005.3, per result: also a seq recorded from an earlier result of this HERALD
      const badSeq = (code === FAILURE) !== (seq === 0) || link.held.has(seq);
      if (code === FAILURE || badSeq) {
        await this.freeQubit(qubit);
        if (badSeq) this.error(new ProtocolError('HERALD_SEQUENCE_INVALID', `seq ${seq} invalid for ${r.outcome}`, `body.results[${i}].seq`), msg);
        continue;
      }
      this.noteSeq(link, seq);   // LINK-016: seqs skipped since the last success are expired
      // LINK-013.1, LINK-013.2: record the pair of mode i (its qubit) before any use
      link.heralded.delete(seq);
      link.heralded.set(seq, a.circuit);
      while (link.heralded.size > REMEMBERED) link.heralded.delete(link.heralded.keys().next().value);
      link.held.set(seq, { circuit: a.circuit, qubit, bell: code, created: a.slot });
      paired = true;
    }
    this.noteAssigned(link, stationSeq(msg));   // LINK-024: after the results
    this.arm(link);
    if (paired) await this.trySwap(a.circuit);
  }

  async onExpire(link, msg) {
    const { first_seq: first, last_seq: last } = msg.body;
    if (first === 0 || last === 0) throw new ProtocolError('EXPIRE_RANGE_INVALID', 'range endpoint 0', first === 0 ? 'body.first_seq' : 'body.last_seq');
    const seqs = [first];
    for (let s = first; s !== last && seqs.length < 65535;) { s = (s % 65535) + 1; seqs.push(s); }
    // LINK-010.2: a seq the node found missing itself counts as heralded (it holds no pair)
    if (seqs.some(s => !link.heralded.has(s) && !link.missing.has(s))) {
      throw new ProtocolError('EXPIRE_RANGE_INVALID', 'range names pairs never heralded on this link', 'body.first_seq');
    }
    for (const s of seqs) {                        // LINK-011.1, LINK-011.2: free, never use again
      const pair = link.held.get(s);
      if (!pair) continue;                         // already gone (or a repeated EXPIRE, LINK-014)
      link.held.delete(s);
      await this.freeQubit(pair.qubit);
    }
    this.send('EXPIRE_ACK', msg.source, { link_id: link.id, first_seq: first, last_seq: last });   // LINK-012.1
    for (const l of this.links.values()) if (!l.attempt && l.nextSlotAt === null) this.arm(l);
  }

  // LINK-016: a success heralded with `seq` that is not the next after the last one heralded to
  // the node on the link or found missing (from 1 when none) shows seqs it missed (HERALDs lost
  // on their way). Seqs count 1..65535 and wrap to 1; a seq counts as ahead only when it is less
  // than 2^15 ahead, else it is late (an old one arriving after newer ones) and changes nothing.
  noteSeq(link, seq) {
    link.missing.delete(seq);   // heralded after all
    const last = link.lastSeq;
    const ahead = seqsBetween(last, seq);   // seqs skipped
    if (ahead > 0 && ahead < 2 ** 15) this.expireMissing(link, ahead, (((seq - 2) % 65535) + 65535) % 65535 + 1);
    if (last === 0 || ahead < 2 ** 15) link.lastSeq = seq;
  }

  // LINK-024: the LINK_SEQ of a HERALD accepted for the attempt in flight: the seqs after the
  // last one heralded or found missing, up to it, went to the peer alone. A value behind (a
  // restarted station) or 2^15 or more ahead is ignored.
  noteAssigned(link, assigned) {
    if (assigned === null || assigned === 0 || assigned === link.lastSeq) return;
    const ahead = seqsBetween(link.lastSeq, assigned);
    if (ahead >= 2 ** 15) return;
    this.expireMissing(link, ahead + 1, assigned);
    link.lastSeq = assigned;
  }

  // LINK-016, LINK-024, LINK-010.1: one EXPIRE for the `count` seqs after lastSeq, through
  // `lastMissing`, remembered as found missing (LINK-010.2)
  expireMissing(link, count, lastMissing) {
    const body = { link_id: link.id, first_seq: nextSeq(link.lastSeq), last_seq: lastMissing };
    const msg = this.send('EXPIRE', link.peer, body);
    // LINK-012.2: sent again until the matching EXPIRE_ACK arrives
    this.expires.push({ msg, deadline: this.now + this.rtoInitial, rto: this.rtoInitial, tries: 0 });
    for (let i = 0, s = link.lastSeq; i < Math.min(count, REMEMBERED); i++) {
      s = nextSeq(s);
      link.missing.delete(s);
      link.missing.add(s);
    }
    while (link.missing.size > REMEMBERED) link.missing.delete(link.missing.values().next().value);
  }

  // LINK-012.2, REL-005: an unanswered EXPIRE is sent again, unchanged (same message_id), its
  // timeout doubled after each retransmission up to rto_max; after max_retransmissions the node
  // stops sending it.
  retransmitExpires() {
    this.expires = this.expires.filter(e => {
      if (e.deadline > this.now) return true;
      if (e.tries >= this.maxRetransmissions) return false;   // gives up
      e.tries += 1;
      e.rto = Math.min(2 * e.rto, this.rtoMax);
      e.deadline = this.now + e.rto;
      this.out.push(e.msg);
      return true;
    });
  }

  // LINK-012.2: the link peer's EXPIRE_ACK for the same link and range ends the retransmissions
  // of that EXPIRE; any other EXPIRE_ACK changes nothing.
  onExpireAck(link, msg) {
    const b = msg.body;
    const answers = e => Number(msg.source) === link.peer && e.msg.destination === link.peer
      && e.msg.body.link_id === Number(b.link_id) && e.msg.body.first_seq === Number(b.first_seq)
      && e.msg.body.last_seq === Number(b.last_seq);
    this.expires = this.expires.filter(e => !answers(e));
  }

  // ---- the signalling the link layer needs ----------------------------------------------
  linkTo(peer) { return [...this.links.values()].find(l => l.peer === peer); }

  onSetup(msg) {
    const b = msg.body;
    const route = b.route.map(Number);
    const me = route.indexOf(this.id);
    if (me < 0) throw new ProtocolError('ROUTE_INVALID', 'this node is not on the route', 'body.route');
    if (this.circuits.has(b.circuit_id)) throw new ProtocolError('DUPLICATE_CIRCUIT', 'circuit already known', 'body.circuit_id');
    const next = me + 1 < route.length ? route[me + 1] : 0;
    const out = next ? this.linkTo(next) : null;
    this.circuits.set(b.circuit_id, { route, state: 'PENDING', rules: [], swaps: 0 });
    if (next) {
      if (!out) throw new ProtocolError('ROUTE_INVALID', `no link to next hop ${next}`, 'body.route');
      const hop = { node: this.id, free_memory: this.freeQubits.length, comm_qubits: this.commQubits,
        link_id: out.id, link_rate_mhz: out.rate, link_fidelity: Math.round(out.fidelity * 65535), memory_t2_ns: this.config.t2_ns || 0,
        // SIG-047: a router reports its BSM success probability rounded down; the head end 1
        swap_success: me > 0 ? Math.floor((this.config.bsm_success_probability ?? 1) * 65535) : 65535 };
      this.send('SETUP', next, Object.assign({}, b, { hops: [...b.hops, hop] }));
      return;
    }
    // tail end: confirm with the baseline rules
    // the link ids along the route, from the hop records (each names its link to the next hop)
    const links = b.hops.slice(0, me).map(h => Number(h.link_id));
    if (links.length !== me || !links.length) throw new ProtocolError('ROUTE_INVALID', 'hop records missing', 'body.hops');
    const rule = (node, link, action, extra = {}) => Object.assign({ node, match_circuit: b.circuit_id, match_link: link,
      action, peer_link: 0, cutoff_ns: b.qos.cutoff_ns, distil_protocol: 'NONE', distil_rounds: 0, endpoint: 0 }, extra);
    const rules = [rule(route[0], links[0], 'GENERATE'), rule(route[0], links[0], 'DELIVER', { endpoint: b.head_endpoint })];
    route.slice(1, -1).forEach((n, i) => rules.push(rule(n, links[i], 'GENERATE'), rule(n, links[i + 1], 'GENERATE'),
      rule(n, links[i], 'SWAP', { peer_link: links[i + 1] })));
    rules.push(rule(this.id, links[links.length - 1], 'GENERATE'), rule(this.id, links[links.length - 1], 'DELIVER', { endpoint: b.tail_endpoint }));
    const body = { circuit_id: b.circuit_id, expected_rate_mhz: 0, expected_fidelity: 0, rules };
    this.install(b.circuit_id, rules, route[me - 1]);
    this.send('CONFIRM', route[me - 1], body);
  }

  onConfirm(msg) {
    const b = msg.body;
    const c = this.circuits.get(b.circuit_id);
    if (!c) throw new ProtocolError('UNKNOWN_CIRCUIT', 'circuit unknown', 'body.circuit_id');
    const me = c.route.indexOf(this.id);
    this.install(b.circuit_id, b.rules, me > 0 ? c.route[me - 1] : null);
    if (me > 0) this.send('CONFIRM', c.route[me - 1], b);
  }

  // `sentTo`: the neighbour the CONFIRM goes on to now, across a link that waits (FWD-011)
  install(cid, rules, sentTo) {
    const c = this.circuits.get(cid);
    c.state = 'ESTABLISHED';
    c.rules = rules.filter(r => Number(r.node) === this.id && r.match_circuit === cid);
    for (const r of c.rules) {
      if (r.action !== 'GENERATE') continue;
      const link = this.links.get(Number(r.match_link));
      if (!link || link.circuits.includes(cid)) continue;
      link.circuits.push(cid);
      link.circuits.sort((x, y) => x - y);
      link.rotation.set(cid, [link.peer === sentTo ? this.now + link.peerDelay : this.now, Infinity]);
      if (!link.attempt && link.nextSlotAt === null) this.arm(link);
    }
  }

  // SIG-030 (the link part), FWD-013, FWD-014: release the circuit, tell the other neighbour
  async onTeardown(msg) {
    const cid = msg.body.circuit_id;
    const c = this.circuits.get(cid);
    let released = 0;
    if (c) {
      const me = c.route.indexOf(this.id);
      const onward = [c.route[me - 1], c.route[me + 1]].filter(n => n !== undefined && n !== msg.source);
      for (const link of this.links.values()) {
        const entry = link.rotation.get(cid);
        if (entry) {
          entry[1] = onward.includes(link.peer) ? this.now + link.peerDelay : this.now;
          if (entry[0] >= entry[1]) link.rotation.delete(cid);
        }
        link.circuits = link.circuits.filter(x => x !== cid);
        for (const [seq, p] of [...link.held]) {
          if (p.circuit !== cid) continue;
          link.held.delete(seq);
          await this.freeQubit(p.qubit);
          released++;
        }
        const a = link.attempt;
        if (a && a.circuit === cid && !a.abandoned) {
          for (const qubit of a.qubits) await this.freeQubit(qubit);
          released += a.qubits.length;
          a.qubits = [];
          a.abandoned = true;
        }
        if (!link.attempt && link.nextSlotAt !== null && !link.rotation.size) link.nextSlotAt = null;
      }
      this.circuits.delete(cid);
      for (const n of onward) this.send('TEARDOWN', n, { circuit_id: cid, reason: msg.body.reason });
    }
    this.send('TEARDOWN_ACK', msg.source, { circuit_id: cid, released_memory: released });
  }

  // ---- swapping (the part of chapter 04 a router's link pairs lead to) -------------------
  oldest(link, circuit) {
    let best = null;
    for (const [seq, p] of link.held) if (p.circuit === circuit && (!best || p.created < best[1].created)) best = [seq, p];
    return best;
  }

  async trySwap(cid) {
    const c = this.circuits.get(cid);
    for (const r of c.rules) {
      if (r.action !== 'SWAP') continue;
      const left = this.links.get(Number(r.match_link));
      const right = this.links.get(Number(r.peer_link));
      if (!left || !right) continue;
      for (;;) {   // one swap per pair of pairs the two links hold
        const l = this.oldest(left, cid);
        const rr = this.oldest(right, cid);
        if (!l || !rr) break;
        left.held.delete(l[0]); right.held.delete(rr[0]);
        const { code } = await this.device.call('device.bsm', { now_ns: this.now, left: l[1].qubit, right: rr[1].qubit });
        await this.freeQubit(l[1].qubit);
        await this.freeQubit(rr[1].qubit);
        const body = { circuit_id: cid, outcome_seq: c.swaps, left: { link_id: left.id, seq: l[0] },
          right: { link_id: right.id, seq: rr[0] }, bsm_result: BELL_NAME[code],
          bell_index: BELL_NAME[l[1].bell ^ rr[1].bell ^ code] };
        c.swaps = (c.swaps + 1) % 2 ** 32;
        this.send('SWAP_OUTCOME', left.peer, Object.assign({}, body, { new_partner: right.peer }));   // TRK-001.1
        this.send('SWAP_OUTCOME', right.peer, Object.assign({}, body, { new_partner: left.peer }));
        for (const link of [left, right]) if (!link.attempt && link.nextSlotAt === null) this.arm(link);
      }
    }
  }
}

module.exports = { Node };
