package mail

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

func testMessage() *Message {
	return &Message{
		From:    "Site <site@example.com>",
		To:      []string{"ann@example.com"},
		Subject: "Password reset on example.com",
		Text:    "Reset it at https://example.com/reset/MQ/abc-123/\n",
	}
}

func TestSMTPSend(t *testing.T) {
	tests := []struct {
		name    string
		server  serverConfig
		smtp    SMTP // Addr is filled in
		wantTLS bool
		user    string
	}{
		{name: "plain", server: serverConfig{mode: "plain"}, smtp: SMTP{TLS: NoTLS}},
		{name: "starttls", server: serverConfig{mode: "starttls"}, smtp: SMTP{TLSConfig: trusting()}, wantTLS: true},
		{name: "opportunistic offered", server: serverConfig{mode: "starttls"},
			smtp: SMTP{TLS: OpportunisticStartTLS, TLSConfig: trusting()}, wantTLS: true},
		{name: "opportunistic not offered", server: serverConfig{mode: "plain"}, smtp: SMTP{TLS: OpportunisticStartTLS}},
		{name: "implicit tls", server: serverConfig{mode: "tls"}, smtp: SMTP{TLS: ImplicitTLS, TLSConfig: trusting()},
			wantTLS: true},
		{name: "auth plain over starttls", server: serverConfig{mode: "starttls", user: "ann", pass: "s3cret"},
			smtp: SMTP{TLSConfig: trusting(), Username: "ann", Password: "s3cret"}, wantTLS: true, user: "ann"},
		{name: "auth plain over implicit tls", server: serverConfig{mode: "tls", user: "ann", pass: "s3cret"},
			smtp:    SMTP{TLS: ImplicitTLS, TLSConfig: trusting(), Username: "ann", Password: "s3cret"},
			wantTLS: true, user: "ann"},
		{name: "auth login", server: serverConfig{mode: "starttls", user: "ann", pass: "s3cret", mechs: []string{sasl.Login}},
			smtp: SMTP{TLSConfig: trusting(), Username: "ann", Password: "s3cret"}, wantTLS: true, user: "ann"},
		{name: "auth plain to localhost without tls", server: serverConfig{mode: "plain", user: "ann", pass: "s3cret"},
			smtp: SMTP{TLS: NoTLS, Username: "ann", Password: "s3cret"}, user: "ann"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.server)
			s := tt.smtp
			s.Addr = ts.addr
			s.Timeout = 10 * time.Second
			if err := s.Send(context.Background(), testMessage()); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := ts.messages()
			if len(got) != 1 {
				t.Fatalf("server got %d messages, want 1", len(got))
			}
			if got[0].tls != tt.wantTLS {
				t.Errorf("TLS = %v, want %v", got[0].tls, tt.wantTLS)
			}
			if got[0].user != tt.user {
				t.Errorf("authenticated as %q, want %q", got[0].user, tt.user)
			}
			if got[0].from != "site@example.com" || !slices.Equal(got[0].to, []string{"ann@example.com"}) {
				t.Errorf("envelope %q → %q", got[0].from, got[0].to)
			}
			if s := got[0].msg.Header.Get("Subject"); s != "Password reset on example.com" {
				t.Errorf("Subject = %q", s)
			}
		})
	}
}

// TestSMTPMessage checks what arrives: headers, recipients and both bodies.
func TestSMTPMessage(t *testing.T) {
	ts := startServer(t, serverConfig{mode: "plain"})
	m := &Message{
		From:    "Site <site@example.com>",
		To:      []string{"ann@example.com", "Bob <bob@example.com>"},
		Cc:      []string{"cy@example.com"},
		Bcc:     []string{"admin@example.com"},
		ReplyTo: []string{"help@example.com"},
		Subject: "Réinitialisation du mot de passe",
		Text:    "Go to https://example.com/reset/?a=1&b=2 — now.\n",
		HTML:    `<p><a href="https://example.com/reset/?a=1&amp;b=2">Reset</a></p>`,
		Headers: map[string]string{"X-Site": "example", "List-Unsubscribe": "<mailto:u@example.com>"},
	}
	s := &SMTP{Addr: ts.addr, TLS: NoTLS}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := ts.messages()[0]
	wantRcpt := []string{"ann@example.com", "bob@example.com", "cy@example.com", "admin@example.com"}
	slices.Sort(wantRcpt)
	rcpt := slices.Sorted(slices.Values(got.to))
	if !slices.Equal(rcpt, wantRcpt) {
		t.Errorf("RCPT TO %q, want %q", rcpt, wantRcpt)
	}
	h := got.msg.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject %q decodes to %q (%v), want %q", h.Get("Subject"), subject, err, m.Subject)
	}
	for k, want := range map[string]string{
		"X-Site": "example", "List-Unsubscribe": "<mailto:u@example.com>", "Bcc": "",
	} {
		if v := h.Get(k); v != want {
			t.Errorf("%s: %q, want %q", k, v, want)
		}
	}
	for _, k := range []string{"To", "Cc", "Reply-To", "Date", "Message-Id"} {
		if h.Get(k) == "" {
			t.Errorf("no %s header", k)
		}
	}
	if strings.Contains(got.raw, "admin@example.com") {
		t.Error("the Bcc address is in the message")
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", h.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	r := multipart.NewReader(got.msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(b)
	}
	if strings.TrimRight(parts["text/plain"], "\r\n") != strings.TrimRight(m.Text, "\n") {
		t.Errorf("text part %q, want %q", parts["text/plain"], m.Text)
	}
	if parts["text/html"] != m.HTML {
		t.Errorf("html part %q, want %q", parts["text/html"], m.HTML)
	}
}

func TestSMTPErrors(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()

	tests := []struct {
		name      string
		server    serverConfig // mode "" runs no server: Addr is refused
		smtp      SMTP
		m         *Message
		temporary bool
		is        error
		contains  []string
	}{
		{name: "wrong password", server: serverConfig{mode: "starttls", user: "ann", pass: "s3cret"},
			smtp:     SMTP{TLSConfig: trusting(), Username: "ann", Password: "wrong"},
			contains: []string{"535", "check SMTP.Username and SMTP.Password"}},
		{name: "starttls required, not offered", server: serverConfig{mode: "plain"}, smtp: SMTP{},
			contains: []string{"STARTTLS", "ImplicitTLS"}},
		{name: "untrusted certificate", server: serverConfig{mode: "starttls"}, smtp: SMTP{},
			contains: []string{"certificate", "SMTP.TLSConfig.RootCAs"}},
		{name: "untrusted certificate, implicit tls", server: serverConfig{mode: "tls"}, smtp: SMTP{TLS: ImplicitTLS},
			contains: []string{"certificate", "SMTP.TLSConfig.RootCAs"}},
		{name: "4xx on data", smtp: SMTP{TLS: NoTLS}, temporary: true, is: ErrTemporary, contains: []string{"451"},
			server: serverConfig{mode: "plain", data: func(context.Context, int) error {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
			}}},
		{name: "5xx on data", smtp: SMTP{TLS: NoTLS}, contains: []string{"554"},
			server: serverConfig{mode: "plain", data: func(context.Context, int) error {
				return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "rejected"}
			}}},
		{name: "connection refused", smtp: SMTP{Addr: refused, TLS: NoTLS}, temporary: true, is: ErrTemporary},
		{name: "invalid message", server: serverConfig{mode: "plain"}, smtp: SMTP{TLS: NoTLS},
			m:  &Message{From: "a@example.com", To: []string{"b@example.com"}, Subject: "hi\r\nBcc: c@example.com"},
			is: ErrInvalidMessage, contains: []string{"Subject"}},
		{name: "no host", smtp: SMTP{Addr: ":25"}, contains: []string{"SMTP.Addr"}},
		{name: "bad port", smtp: SMTP{Addr: "localhost:smtp"}, contains: []string{"port"}},
		{name: "bad tls mode", smtp: SMTP{Addr: "localhost:25", TLS: 9}, contains: []string{"SMTP.TLS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.smtp
			var ts *testServer
			if tt.server.mode != "" {
				ts = startServer(t, tt.server)
				s.Addr = ts.addr
			}
			s.Timeout = 10 * time.Second
			m := tt.m
			if m == nil {
				m = testMessage()
			}
			err := s.Send(context.Background(), m)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			t.Log(err)
			if got := errors.Is(err, ErrTemporary); got != tt.temporary {
				t.Errorf("errors.Is(err, ErrTemporary) = %v, want %v", got, tt.temporary)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error is not %v", tt.is)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error does not mention %q", s)
				}
			}
			if ts != nil && errors.Is(err, ErrInvalidMessage) && ts.dataCalls() != 0 {
				t.Error("an invalid message reached the server")
			}
		})
	}
}

// TestSMTPContext checks that cancelling Send's context ends a
// conversation stuck on a slow server, and that Timeout ends it too.
func TestSMTPContext(t *testing.T) {
	entered := make(chan struct{}, 1)
	stuck := func(ctx context.Context, int int) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return errors.New("test ended")
	}
	t.Run("cancel", func(t *testing.T) {
		ts := startServer(t, serverConfig{mode: "plain", data: stuck})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- (&SMTP{Addr: ts.addr, TLS: NoTLS}).Send(ctx, testMessage()) }()
		<-entered
		cancel()
		err := <-done
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		ts := startServer(t, serverConfig{mode: "plain", data: stuck})
		err := (&SMTP{Addr: ts.addr, TLS: NoTLS, Timeout: 100 * time.Millisecond}).Send(context.Background(), testMessage())
		if !errors.Is(err, ErrTemporary) {
			t.Fatalf("err = %v, want a temporary failure", err)
		}
	})
}
