// A known-good codec.go for the Go driver skeleton: a codec generic over the JSON Schemas'
// x-wire layouts (read from $QVCP_ROOT/schemas/json), written after the Node.js example's
// conformance/examples/node/lib/wire.js, for every registered message type. Decode checks in the
// order of WIRE-016 (structure, then values, then extensions), Encode in the order of
// WIRE-017. No authentication trailers.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

var MessageTypes []string // nil: every registered message type

type Reject struct {
	Code   int
	Name   string
	Detail string
}

func (r *Reject) Error() string { return fmt.Sprintf("%s (%d): %s", r.Name, r.Code, r.Detail) }

var ErrNotImplemented = errors.New("not implemented")

var codes = map[string]int{"TRUNCATED": 1, "LENGTH_MISMATCH": 2, "UNSUPPORTED_VERSION": 3,
	"UNKNOWN_MESSAGE_TYPE": 4, "RESERVED_BITS_SET": 5, "FIELD_OUT_OF_RANGE": 6,
	"SCHEMA_VIOLATION": 7, "MALFORMED_EXTENSION": 8, "UNKNOWN_CRITICAL_EXTENSION": 9,
	"TOO_LARGE": 12}

func reject(name, where string) error { return &Reject{codes[name], name, where} }

// ---- layouts from the schemas ------------------------------------------------------------

type node struct {
	kind     string // uint, enum, ascii, array, object
	size     int    // bytes of a uint or enum
	min, max *big.Int
	codes    map[string]uint64
	open     bool
	maxLen   int
	count    int // bytes of an array's count
	item     *node
	fields   []field
}

type field struct {
	name string
	n    *node
}

type spec struct {
	name string
	code int
	body *node
}

var (
	loadOnce                                       sync.Once
	loadErr                                        error
	common                                         map[string]any
	byName                                         = map[string]*spec{}
	byCode                                         = map[int]*spec{}
	maxMessage, maxExt, authFlag, authLen, critBit int
	knownExt                                       map[string]any
)

var sizes = map[string]int{"u8": 1, "u16": 2, "u32": 4, "u64": 8}

func readJSON(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	var out map[string]any
	if err == nil {
		err = decoder.Decode(&out)
	}
	return out, err
}

func num(v any) int {
	n, _ := strconv.Atoi(string(v.(json.Number)))
	return n
}

func bigOf(v any) *big.Int {
	b, _ := new(big.Int).SetString(string(v.(json.Number)), 10)
	return b
}

func resolve(prop map[string]any) map[string]any {
	ref, ok := prop["$ref"].(string)
	if !ok {
		return prop
	}
	defs := common["$defs"].(map[string]any)
	base := resolve(defs[ref[strings.Index(ref, "#/$defs/")+len("#/$defs/"):]].(map[string]any))
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range prop {
		if k != "$ref" {
			out[k] = v
		}
	}
	return out
}

func layout(prop map[string]any) *node {
	p := resolve(prop)
	w, _ := p["x-wire"].(map[string]any)
	format, _ := w["format"].(string)
	if p["type"] == "object" {
		n := &node{kind: "object"}
		props := p["properties"].(map[string]any)
		for _, f := range w["layout"].([]any) {
			name := f.(string)
			n.fields = append(n.fields, field{name, layout(props[name].(map[string]any))})
		}
		return n
	}
	if size, ok := sizes[format]; ok {
		if c, ok := w["codes"].(map[string]any); ok {
			n := &node{kind: "enum", size: size, codes: map[string]uint64{}}
			for k, v := range c {
				n.codes[k] = bigOf(v).Uint64()
			}
			if reg, ok := p["x-registry"].(map[string]any); ok {
				n.open = reg["open"] == true
			}
			return n
		}
		n := &node{kind: "uint", size: size, min: big.NewInt(0),
			max: new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(8*size)), big.NewInt(1))}
		if v, ok := p["minimum"]; ok {
			n.min = bigOf(v)
		}
		if v, ok := p["maximum"]; ok {
			n.max = bigOf(v)
		}
		return n
	}
	if format == "ascii8" {
		return &node{kind: "ascii", maxLen: num(p["maxLength"])}
	}
	if format == "array" {
		return &node{kind: "array", count: sizes[w["count"].(string)],
			item: layout(p["items"].(map[string]any)), maxLen: num(p["maxItems"])}
	}
	panic("no wire format")
}

func load() error {
	loadOnce.Do(func() {
		dir := filepath.Join(os.Getenv("QVCP_ROOT"), "schemas", "json")
		if common, loadErr = readJSON(filepath.Join(dir, "common.schema.json")); loadErr != nil {
			return
		}
		wire := common["x-wire"].(map[string]any)
		maxMessage, maxExt = num(wire["max_message_length"]), num(wire["max_extensions"])
		authFlag = num(wire["flags"].(map[string]any)["AUTH"])
		authLen, critBit = num(wire["auth_trailer_length"]), num(wire["critical_bit"])
		knownExt = wire["known_extensions"].(map[string]any)
		files, _ := filepath.Glob(filepath.Join(dir, "*.schema.json")) // a fixed, valid pattern
		for _, f := range files {
			if filepath.Base(f) == "common.schema.json" {
				continue
			}
			s, err := readJSON(f)
			if err != nil {
				loadErr = err
				return
			}
			props := s["properties"].(map[string]any)
			sp := &spec{name: s["title"].(string), code: num(s["x-wire"].(map[string]any)["type_code"]),
				body: layout(props["body"].(map[string]any))}
			byName[sp.name], byCode[sp.code] = sp, sp
		}
	})
	return loadErr
}

// ---- decode ------------------------------------------------------------------------------

type raw struct {
	value uint64
	text  []byte
	items []*raw
}

type reader struct {
	buf      []byte
	pos, end int
}

func readUint(buf []byte, size int) uint64 {
	var v uint64
	for _, b := range buf[:size] {
		v = v<<8 | uint64(b)
	}
	return v
}

func (r *reader) take(k int, where string) ([]byte, error) {
	if r.pos+k > r.end {
		return nil, reject("TRUNCATED", where+" runs past the body")
	}
	out := r.buf[r.pos : r.pos+k]
	r.pos += k
	return out, nil
}

// structure reads the bytes of n (TRUNCATED is found before any value is judged).
func (r *reader) structure(n *node, where string) (*raw, error) {
	switch n.kind {
	case "uint", "enum":
		b, err := r.take(n.size, where)
		if err != nil {
			return nil, err
		}
		return &raw{value: readUint(b, n.size)}, nil
	case "ascii":
		b, err := r.take(1, where)
		if err != nil {
			return nil, err
		}
		text, err := r.take(int(b[0]), where)
		return &raw{text: text}, err
	case "array":
		b, err := r.take(n.count, where)
		if err != nil {
			return nil, err
		}
		out := &raw{value: readUint(b, n.count)}
		for k := uint64(0); k < out.value; k++ {
			item, err := r.structure(n.item, where+"[]")
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, item)
		}
		return out, nil
	}
	out := &raw{}
	for _, f := range n.fields {
		item, err := r.structure(f.n, where+"."+f.name)
		if err != nil {
			return nil, err
		}
		out.items = append(out.items, item)
	}
	return out, nil
}

// values judges what structure read and gives its JSON form.
func values(n *node, r *raw, where string) (any, error) {
	switch n.kind {
	case "enum":
		for name, code := range n.codes {
			if code == r.value {
				return name, nil
			}
		}
		if n.open {
			return r.value, nil // WIRE-040: an unassigned code stays an integer
		}
		return nil, reject("FIELD_OUT_OF_RANGE", where)
	case "uint":
		v := new(big.Int).SetUint64(r.value)
		if v.Cmp(n.min) < 0 || v.Cmp(n.max) > 0 {
			return nil, reject("FIELD_OUT_OF_RANGE", where)
		}
		return r.value, nil
	case "ascii":
		for _, b := range r.text {
			if b < 0x20 || b > 0x7e {
				return nil, reject("FIELD_OUT_OF_RANGE", where)
			}
		}
		return string(r.text), nil
	case "array":
		if int(r.value) > n.maxLen {
			return nil, reject("FIELD_OUT_OF_RANGE", where)
		}
		out := make([]any, 0, len(r.items))
		for _, item := range r.items {
			v, err := values(n.item, item, where)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	out := map[string]any{}
	for k, f := range n.fields {
		v, err := values(f.n, r.items[k], where+"."+f.name)
		if err != nil {
			return nil, err
		}
		out[f.name] = v
	}
	return out, nil
}

func Decode(buf []byte) (map[string]any, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if len(buf) < 20 {
		return nil, reject("TRUNCATED", "header")
	}
	version, typ, flags, reserved := buf[0], int(buf[1]), int(buf[2]), buf[3]
	length := int(binary.BigEndian.Uint32(buf[4:8]))
	switch {
	case version != 1:
		return nil, reject("UNSUPPORTED_VERSION", "version")
	case length > maxMessage:
		return nil, reject("TOO_LARGE", "length") // REL-020, before the body
	case length != len(buf):
		return nil, reject("LENGTH_MISMATCH", "length")
	case flags&^authFlag != 0:
		return nil, reject("RESERVED_BITS_SET", "flags")
	case reserved != 0:
		return nil, reject("RESERVED_BITS_SET", "reserved")
	}
	sp, ok := byCode[typ]
	if !ok {
		return nil, reject("UNKNOWN_MESSAGE_TYPE", "type")
	}
	end := length
	var auth any
	if flags&authFlag != 0 {
		end = length - authLen
		if end < 20 {
			return nil, reject("TRUNCATED", "auth")
		}
		auth = map[string]any{"key_id": uint64(binary.BigEndian.Uint32(buf[end:])),
			"tag": hex.EncodeToString(buf[end+4 : length])}
	}
	r := &reader{buf: buf, pos: 20, end: end}
	tree, err := r.structure(sp.body, "body")
	if err != nil {
		return nil, err
	}
	body, err := values(sp.body, tree, "body")
	if err != nil {
		return nil, err
	}
	extensions := make([]any, 0)
	for pos := r.pos; pos < end; {
		if len(extensions) == maxExt {
			return nil, reject("TOO_LARGE", "extensions") // a 33rd (REL-021)
		}
		if end-pos < 4 {
			return nil, reject("MALFORMED_EXTENSION", "extensions")
		}
		word, size := int(binary.BigEndian.Uint16(buf[pos:])), int(binary.BigEndian.Uint16(buf[pos+2:]))
		pos += 4
		if pos+size > end {
			return nil, reject("MALFORMED_EXTENSION", "extensions")
		}
		t, critical := word&0x7fff, word&critBit != 0
		known, isKnown := knownExt[strconv.Itoa(t)].(map[string]any)
		if !isKnown && critical {
			return nil, reject("UNKNOWN_CRITICAL_EXTENSION", "extensions")
		}
		if l, ok := known["length"]; isKnown && ok && num(l) != size {
			return nil, reject("MALFORMED_EXTENSION", "extensions")
		}
		extensions = append(extensions, map[string]any{"type": uint64(t), "critical": critical,
			"value": hex.EncodeToString(buf[pos : pos+size])})
		pos += size
	}
	return map[string]any{"version": uint64(version), "type": sp.name,
		"message_id":  uint64(binary.BigEndian.Uint32(buf[8:])),
		"source":      uint64(binary.BigEndian.Uint32(buf[12:])),
		"destination": uint64(binary.BigEndian.Uint32(buf[16:])), "body": body,
		"extensions": extensions, "auth": auth}, nil
}

// ---- encode (JSON checks in the order of WIRE-017) ---------------------------------------

var (
	integer = regexp.MustCompile(`^-?[0-9]+$`)
	hexText = regexp.MustCompile(`^([0-9a-f]{2})*$`)
	ascii   = regexp.MustCompile(`^[\x20-\x7e]*$`)
	u32     = &node{kind: "uint", size: 4, min: big.NewInt(0), max: big.NewInt(0xffffffff)}
	fields  = []string{"version", "type", "message_id", "source", "destination", "body",
		"extensions", "auth"}
)

func intOf(v any) (*big.Int, bool) {
	n, ok := v.(json.Number)
	if !ok || !integer.MatchString(string(n)) {
		return nil, false
	}
	b, ok := new(big.Int).SetString(string(n), 10)
	return b, ok
}

func hasExactly(obj map[string]any, names []string) bool {
	if len(obj) != len(names) {
		return false
	}
	for _, k := range names {
		if _, ok := obj[k]; !ok {
			return false
		}
	}
	return true
}

func shape(n *node, v any, where string) error { // members and JSON types
	bad := reject("SCHEMA_VIOLATION", where)
	switch n.kind {
	case "uint":
		if _, ok := intOf(v); !ok {
			return bad
		}
	case "enum", "ascii":
		_, isInt := intOf(v)
		if _, isText := v.(string); !isText && !(n.open && isInt) {
			return bad
		}
	case "array":
		items, ok := v.([]any)
		if !ok {
			return bad
		}
		for _, item := range items {
			if err := shape(n.item, item, where); err != nil {
				return err
			}
		}
	default:
		obj, ok := v.(map[string]any)
		names := make([]string, len(n.fields))
		for k, f := range n.fields {
			names[k] = f.name
		}
		if !ok || !hasExactly(obj, names) {
			return bad
		}
		for _, f := range n.fields {
			if err := shape(f.n, obj[f.name], where+"."+f.name); err != nil {
				return err
			}
		}
	}
	return nil
}

func valueRange(n *node, v any, where string) error { // values
	bad := reject("FIELD_OUT_OF_RANGE", where)
	switch n.kind {
	case "uint":
		b, _ := intOf(v)
		if b.Cmp(n.min) < 0 || b.Cmp(n.max) > 0 {
			return bad
		}
	case "enum":
		if name, ok := v.(string); ok {
			if _, known := n.codes[name]; !known {
				return bad
			}
			return nil
		}
		b, _ := intOf(v) // an open enumeration's integer: unassigned codes only (WIRE-042)
		if b.Sign() < 0 || b.BitLen() > 8*n.size {
			return bad
		}
		for _, code := range n.codes {
			if b.IsUint64() && b.Uint64() == code {
				return bad
			}
		}
	case "ascii":
		text := v.(string)
		if len(text) > n.maxLen || !ascii.MatchString(text) {
			return bad
		}
	case "array":
		items := v.([]any)
		if len(items) > n.maxLen {
			return bad
		}
		for _, item := range items {
			if err := valueRange(n.item, item, where); err != nil {
				return err
			}
		}
	default:
		obj := v.(map[string]any)
		for _, f := range n.fields {
			if err := valueRange(f.n, obj[f.name], where+"."+f.name); err != nil {
				return err
			}
		}
	}
	return nil
}

func write(n *node, v any, out []byte) []byte {
	put := func(value uint64, size int) []byte {
		for k := size - 1; k >= 0; k-- {
			out = append(out, byte(value>>(8*k)))
		}
		return out
	}
	switch n.kind {
	case "uint", "enum":
		if name, ok := v.(string); ok {
			return put(n.codes[name], n.size)
		}
		b, _ := intOf(v)
		return put(b.Uint64(), n.size)
	case "ascii":
		text := v.(string)
		return append(append(out, byte(len(text))), text...)
	case "array":
		items := v.([]any)
		out = put(uint64(len(items)), n.count)
		for _, item := range items {
			out = write(n.item, item, out)
		}
		return out
	}
	obj := v.(map[string]any)
	for _, f := range n.fields {
		out = write(f.n, obj[f.name], out)
	}
	return out
}

func Encode(message any) ([]byte, error) {
	if err := load(); err != nil {
		return nil, err
	}
	msg, ok := message.(map[string]any)
	if !ok {
		return nil, reject("SCHEMA_VIOLATION", "")
	}
	if version, isInt := intOf(msg["version"]); !isInt || version.Cmp(big.NewInt(1)) != 0 {
		if isInt {
			return nil, reject("UNSUPPORTED_VERSION", "version")
		}
		return nil, reject("SCHEMA_VIOLATION", "version")
	}
	name, isText := msg["type"].(string)
	sp, known := byName[name]
	if !known {
		if isText {
			return nil, reject("UNKNOWN_MESSAGE_TYPE", "type")
		}
		return nil, reject("SCHEMA_VIOLATION", "type")
	}
	if !hasExactly(msg, fields) {
		return nil, reject("SCHEMA_VIOLATION", "")
	}
	for _, k := range fields[2:5] {
		if err := shape(u32, msg[k], k); err != nil {
			return nil, err
		}
	}
	if err := shape(sp.body, msg["body"], "body"); err != nil {
		return nil, err
	}
	extensions, ok := msg["extensions"].([]any)
	if !ok {
		return nil, reject("SCHEMA_VIOLATION", "extensions")
	}
	for _, e := range extensions {
		ext, ok := e.(map[string]any)
		t, isInt := intOf(ext["type"])
		_, isBool := ext["critical"].(bool)
		value, isText := ext["value"].(string)
		if !ok || !isInt || !isBool || !isText || !hexText.MatchString(value) || len(ext) != 3 {
			return nil, reject("SCHEMA_VIOLATION", "extensions")
		}
		if t.Sign() < 0 || t.Cmp(big.NewInt(0x7fff)) > 0 {
			return nil, reject("FIELD_OUT_OF_RANGE", "extensions")
		}
	}
	if msg["auth"] != nil {
		return nil, reject("SCHEMA_VIOLATION", "auth") // trailers not implemented
	}
	for _, k := range fields[2:5] {
		if err := valueRange(u32, msg[k], k); err != nil {
			return nil, err
		}
	}
	if err := valueRange(sp.body, msg["body"], "body"); err != nil {
		return nil, err
	}
	for i, e := range extensions { // after the values, as decode judges them (WIRE-017)
		ext := e.(map[string]any)
		t, _ := intOf(ext["type"])
		known, isKnown := knownExt[t.String()].(map[string]any)
		if !isKnown && ext["critical"] == true {
			return nil, reject("UNKNOWN_CRITICAL_EXTENSION", fmt.Sprintf("extensions[%d].type", i))
		}
		if l, ok := known["length"]; isKnown && ok && num(l)*2 != len(ext["value"].(string)) {
			return nil, reject("MALFORMED_EXTENSION", fmt.Sprintf("extensions[%d].value", i))
		}
	}
	body := write(sp.body, msg["body"], nil)
	for _, e := range extensions {
		ext := e.(map[string]any)
		t, _ := intOf(ext["type"])
		value, _ := hex.DecodeString(ext["value"].(string))
		word := int(t.Int64())
		if ext["critical"] == true {
			word |= critBit
		}
		body = append(body, byte(word>>8), byte(word), byte(len(value)>>8), byte(len(value)))
		body = append(body, value...)
	}
	if 20+len(body) > maxMessage {
		return nil, reject("TOO_LARGE", "length") // REL-020
	}
	if len(extensions) > maxExt {
		return nil, reject("TOO_LARGE", "extensions") // REL-021
	}
	head := make([]byte, 20)
	head[0], head[1] = 1, byte(sp.code)
	binary.BigEndian.PutUint32(head[4:], uint32(20+len(body)))
	for k, name := range fields[2:5] {
		b, _ := intOf(msg[name])
		binary.BigEndian.PutUint32(head[8+4*k:], uint32(b.Uint64()))
	}
	return append(head, body...), nil
}
