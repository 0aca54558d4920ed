// The message codec of __QVCP_NAME__: write Decode and Encode here.
//
// main.go calls them for the verbs wire.decode and wire.encode. Both follow the QVCP wire
// format (spec chapter 02; message layouts in the JSON Schemas' x-wire annotations; the test
// vectors show every rule at work). Until a function is written it returns ErrNotImplemented,
// which main.go reports as a rejection with code 0, so every wire case fails with
// "not implemented" in its evidence.
//
// JSON values are those of encoding/json with UseNumber: objects are map[string]any, arrays
// []any, integers json.Number (exact, u64 included). Decode may return any value that
// json.Marshal writes as the canonical JSON form (uint64 for integers, []any{} for an empty
// array).
package main

import (
	"errors"
	"fmt"
)

// MessageTypes are the message types this codec handles, by name ("HERALD", "TEARDOWN", ...).
// The harness judges only the test vectors of claimed types; nil claims every registered type.
var MessageTypes []string

// Reject is a protocol rejection: the registered error of schemas/errors.json that the input
// breaks, e.g. &Reject{1, "TRUNCATED", "2 bytes, a header needs 20"}.
type Reject struct {
	Code   int
	Name   string
	Detail string
}

func (r *Reject) Error() string { return fmt.Sprintf("%s (%d): %s", r.Name, r.Code, r.Detail) }

// ErrNotImplemented marks a function that is not written yet.
var ErrNotImplemented = errors.New("not implemented")

// Decode returns the canonical JSON form of the binary message data, or a *Reject for a
// message the specification rejects.
func Decode(data []byte) (map[string]any, error) {
	return nil, fmt.Errorf("%w: Decode() in codec.go is not written yet", ErrNotImplemented)
}

// Encode returns the binary form of message (any JSON value: a canonical JSON message, or
// something to reject), or a *Reject for a message the specification rejects.
func Encode(message any) ([]byte, error) {
	return nil, fmt.Errorf("%w: Encode() in codec.go is not written yet", ErrNotImplemented)
}
