package messages

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// The cookie's value is base64url(JSON of the messages) "." base64url(MAC),
// the MAC being HMAC-SHA256 under the secret of macContext and the first
// part, so that the value cannot be changed, nor taken for another of the
// site's signed values.
const macContext = "fiberviews/views/messages.v1:"

var b64 = base64.RawURLEncoding

func mac(secret []byte, payload string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(macContext))
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// encode returns the cookie value carrying msgs.
func encode(secret []byte, msgs []Message) string {
	raw, _ := json.Marshal(msgs) // a []Message always marshals
	payload := b64.EncodeToString(raw)
	return payload + "." + b64.EncodeToString(mac(secret, payload))
}

// decode returns the messages of a cookie value, and false for a value that
// is too long, malformed, signed with another secret or changed, or holds a
// message without a positive level or text (JSON decoding
// makes invalid UTF-8 valid).
func decode(secret []byte, value string) ([]Message, bool) {
	payload, sig, ok := strings.Cut(value, ".")
	if !ok || len(value) > 2*MaxCookieSize {
		return nil, false
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, payload)) {
		return nil, false
	}
	raw, err := b64.DecodeString(payload)
	if err != nil {
		return nil, false
	}
	var msgs []Message
	if json.Unmarshal(raw, &msgs) != nil {
		return nil, false
	}
	for _, m := range msgs {
		if m.Level <= 0 || m.Message == "" {
			return nil, false
		}
	}
	return msgs, true
}

// Peek returns the messages a cookie value of CookieName holds, without
// checking its signature, nil for a malformed one: for test clients (package
// views/viewtest) and debugging, never for deciding anything.
func Peek(value string) []Message {
	payload, _, _ := strings.Cut(value, ".")
	raw, err := b64.DecodeString(payload)
	if err != nil {
		return nil
	}
	var msgs []Message
	if json.Unmarshal(raw, &msgs) != nil {
		return nil
	}
	return msgs
}
