// __QVCP_NAME__: a QVCP implementation speaking the conformance driver protocol, version 1.
//
// The harness (qvcp conform) starts this program and writes one JSON request per line on its
// stdin; the program writes one JSON response per line on its stdout. Logs go to stderr:
// anything else on stdout breaks the protocol. This file answers the handshake (hello), reset
// and bye, and the verbs of the wire profile (wire.decode, wire.encode) by calling Decode and
// Encode in codec.go; every other verb is answered with the error kind "unsupported".
// Standard library only.
//
//	go build -o driver . && qvcp conform --driver "exec:./driver" --profile wire
package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

var implementation = map[string]any{"name": "__QVCP_NAME__", "version": "0.1.0", "language": "Go"}

// No registered error has code 0 (schemas/errors.json): a stub that is not written yet answers
// with it, so every case that reaches the stub fails, and its evidence says why.
const notImplementedCode = 0

type unsupported struct{ message string }

func (u unsupported) Error() string { return u.message }

func hello(map[string]any) (any, error) {
	result := map[string]any{"protocol": 1, "implementation": implementation,
		"spec_version": "1.0", "profiles": []string{"wire"}, "capabilities": []string{}}
	if MessageTypes != nil { // absent: every message type is claimed
		result["message_types"] = MessageTypes
	}
	return result, nil
}

// wireResult turns what the codec returned into a wire.* result: the value under key, or a
// rejection.
func wireResult(key string, value any, err error) (any, error) {
	var reject *Reject
	switch {
	case errors.As(err, &reject):
		return map[string]any{"reject": map[string]any{
			"code": reject.Code, "name": reject.Name, "detail": reject.Detail}}, nil
	case errors.Is(err, ErrNotImplemented):
		return map[string]any{"reject": map[string]any{
			"code": notImplementedCode, "name": "NOT_IMPLEMENTED", "detail": err.Error()}}, nil
	case err != nil:
		return nil, err
	}
	return map[string]any{key: value}, nil
}

func wireDecode(args map[string]any) (any, error) {
	if keys, ok := args["keys"]; ok && keys != nil {
		return nil, unsupported{"authentication trailers are not verified (wire.auth not claimed)"}
	}
	text, _ := args["hex"].(string)
	data, err := hex.DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("hex: %w", err)
	}
	message, err := Decode(data)
	return wireResult("json", message, err)
}

func wireEncode(args map[string]any) (any, error) {
	data, err := Encode(args["json"])
	return wireResult("hex", hex.EncodeToString(data), err)
}

var verbs = map[string]func(map[string]any) (any, error){
	"hello":       hello,
	"reset":       func(map[string]any) (any, error) { return map[string]any{}, nil },
	"bye":         func(map[string]any) (any, error) { return map[string]any{}, nil },
	"wire.decode": wireDecode,
	"wire.encode": wireEncode,
}

// answer is the response to one request: a result, or an error of kind unsupported or failed.
func answer(request map[string]any) map[string]any {
	verb, _ := request["verb"].(string)
	id := request["id"]
	handler, ok := verbs[verb]
	if !ok {
		return map[string]any{"id": id, "error": map[string]any{
			"kind": "unsupported", "message": "verb " + verb + " is not implemented"}}
	}
	args, _ := request["args"].(map[string]any)
	if args == nil {
		args = map[string]any{}
	}
	result, err := handler(args)
	var unsup unsupported
	switch {
	case errors.As(err, &unsup):
		return map[string]any{"id": id, "error": map[string]any{
			"kind": "unsupported", "message": unsup.message}}
	case err != nil: // a bug: say so, keep serving
		fmt.Fprintf(os.Stderr, "%s: %v\n", verb, err)
		return map[string]any{"id": id, "error": map[string]any{
			"kind": "failed", "message": err.Error()}}
	}
	return map[string]any{"id": id, "result": result}
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for {
		line, readErr := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			decoder := json.NewDecoder(bytes.NewReader(line))
			decoder.UseNumber() // exact integers: u64 values survive as json.Number
			var request map[string]any
			if err := decoder.Decode(&request); err != nil {
				fmt.Fprintf(os.Stderr, "bad request line: %v\n", err)
				os.Exit(1)
			}
			response, err := json.Marshal(answer(request))
			if err != nil {
				fmt.Fprintf(os.Stderr, "cannot write the response: %v\n", err)
				os.Exit(1)
			}
			out.Write(append(response, '\n'))
			out.Flush()
			if request["verb"] == "bye" {
				return
			}
		}
		if readErr == io.EOF {
			return
		} else if readErr != nil {
			fmt.Fprintf(os.Stderr, "stdin: %v\n", readErr)
			os.Exit(1)
		}
	}
}
