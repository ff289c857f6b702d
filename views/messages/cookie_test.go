package messages

import (
	"reflect"
	"strings"
	"testing"
)

// fuzzSecret signs the corpus entries of testdata/fuzz/FuzzDecode.
var fuzzSecret = []byte("fiberviews messages fuzz secret!")

func TestDecode(t *testing.T) {
	valid := encode(fuzzSecret, []Message{{Level: LevelSuccess, Message: "Saved."}, {Level: 35, Message: "ünïcode <b>", ExtraTags: "x y"}})
	payload, sig, _ := strings.Cut(valid, ".")
	signed := func(raw string) string {
		p := b64.EncodeToString([]byte(raw))
		return p + "." + b64.EncodeToString(mac(fuzzSecret, p))
	}
	for _, tc := range []struct {
		name, value string
		want        []Message
		ok          bool
	}{
		{"valid", valid, []Message{{Level: LevelSuccess, Message: "Saved."}, {Level: 35, Message: "ünïcode <b>", ExtraTags: "x y"}}, true},
		{"empty list", encode(fuzzSecret, nil), nil, true},
		{"empty", "", nil, false},
		{"no dot", payload, nil, false},
		{"two dots", payload + "." + sig + ".", nil, false},
		{"other secret", encode([]byte(strings.Repeat("z", 32)), []Message{{Level: LevelInfo, Message: "x"}}), nil, false},
		{"payload changed", "X" + payload[1:] + "." + sig, nil, false},
		{"signature cut", payload + "." + sig[:10], nil, false},
		{"too long", signed(`[{"l":20,"m":"` + strings.Repeat("a", 2*MaxCookieSize) + `"}]`), nil, false},
		{"signed bad JSON", signed(`[{"l":`), nil, false},
		{"signed object", signed(`{"l":20,"m":"x"}`), nil, false},
		{"signed level 0", signed(`[{"l":0,"m":"x"}]`), nil, false},
		{"signed negative level", signed(`[{"l":-5,"m":"x"}]`), nil, false},
		{"signed empty text", signed(`[{"l":20,"m":""}]`), nil, false},
		{"signed level as string", signed(`[{"l":"20","m":"x"}]`), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := decode(fuzzSecret, tc.value)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) && tc.ok {
				t.Errorf("decode = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
			if !ok && got != nil {
				t.Errorf("a refused cookie gave messages %+v", got)
			}
		})
	}
}

// FuzzDecode checks that no cookie value makes decode panic, accepts one
// longer than twice MaxCookieSize, or accepts messages that do not
// round-trip through encode.
func FuzzDecode(f *testing.F) {
	f.Add(encode(fuzzSecret, []Message{{Level: LevelInfo, Message: "hello"}}))
	f.Fuzz(func(t *testing.T, value string) {
		msgs, ok := decode(fuzzSecret, value)
		if !ok {
			return
		}
		if len(value) > 2*MaxCookieSize {
			t.Fatalf("accepted a %d-byte cookie", len(value))
		}
		for _, m := range msgs {
			if m.Level <= 0 || m.Message == "" {
				t.Fatalf("accepted %+v", m)
			}
		}
		again, ok := decode(fuzzSecret, encode(fuzzSecret, msgs))
		if !ok || !reflect.DeepEqual(again, msgs) {
			t.Fatalf("%+v does not round-trip: %+v, %v", msgs, again, ok)
		}
	})
}
