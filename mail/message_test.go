package mail

import (
	"bytes"
	"context"
	"errors"
	htmltemplate "html/template"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"
)

// TestInvalidMessage checks that every mailer refuses what would break or
// add a header, so user input cannot inject headers or recipients.
func TestInvalidMessage(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Message)
		want   string
	}{
		{"nil", nil, "nil message"},
		{"no sender", func(m *Message) { m.From = "" }, "From is empty"},
		{"no recipients", func(m *Message) { m.To = nil }, "no recipients"},
		{"CRLF in subject", func(m *Message) { m.Subject = "Hi\r\nBcc: eve@example.com" }, "Subject contains a line break"},
		{"LF in subject", func(m *Message) { m.Subject = "Hi\nthere" }, "Subject"},
		{"CR in subject", func(m *Message) { m.Subject = "Hi\rthere" }, "Subject"},
		{"NUL in subject", func(m *Message) { m.Subject = "Hi\x00" }, "Subject"},
		{"CRLF in To", func(m *Message) { m.To = []string{"ann@example.com\r\nBcc: eve@example.com"} }, "To address"},
		{"LF in From", func(m *Message) { m.From = "site@example.com\nBcc: eve@example.com" }, "From address"},
		{"CRLF in display name", func(m *Message) { m.Cc = []string{"\"Ann\r\n\" <ann@example.com>"} }, "Cc address"},
		{"CRLF in Reply-To", func(m *Message) { m.ReplyTo = []string{"a@example.com\r\n"} }, "ReplyTo address"},
		{"unparsable Bcc", func(m *Message) { m.Bcc = []string{"not an address"} }, "Bcc address"},
		{"CRLF in header value", func(m *Message) { m.Headers = map[string]string{"X-A": "1\r\nBcc: eve@example.com"} }, "X-A"},
		{"colon in header name", func(m *Message) { m.Headers = map[string]string{"Bcc: eve@example.com\r\nX": "1"} }, "not a field name"},
		{"space in header name", func(m *Message) { m.Headers = map[string]string{"X A": "1"} }, "not a field name"},
		{"empty header name", func(m *Message) { m.Headers = map[string]string{"": "1"} }, "not a field name"},
		{"header set by a field", func(m *Message) { m.Headers = map[string]string{"bcc": "eve@example.com"} }, "Message.Bcc"},
		{"header set by the mailer", func(m *Message) { m.Headers = map[string]string{"Content-Type": "text/html"} }, "set by the mailer"},
	}
	mailers := map[string]Mailer{
		"Outbox":  &Outbox{},
		"Console": &Console{Out: &bytes.Buffer{}},
		"SMTP":    &SMTP{Addr: "127.0.0.1:1", TLS: NoTLS},
		"Queue":   &Queue{Mailer: &Outbox{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m *Message
			if tt.change != nil {
				m = testMessage()
				tt.change(m)
			}
			for name, mailer := range mailers {
				err := mailer.Send(context.Background(), m)
				if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: %v, want ErrInvalidMessage mentioning %q", name, err, tt.want)
				}
			}
		})
	}
	if err := mailers["Queue"].(*Queue).Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestValidMessage(t *testing.T) {
	for _, m := range []*Message{
		testMessage(),
		{From: "site@example.com", Bcc: []string{"admin@example.com"}},
		{From: `"Ann, Site" <site@example.com>`, Cc: []string{"Bob <bob@example.com>"}, Subject: "Café — été",
			Headers: map[string]string{"X-Tags": "a\tb", "Message-ID": "<1@example.com>"}},
	} {
		if err := m.check(); err != nil {
			t.Errorf("%+v: %v", m, err)
		}
	}
}

func TestOutbox(t *testing.T) {
	var o Outbox
	m := testMessage()
	m.Headers = map[string]string{"X-A": "1"}
	if err := o.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	m.To[0] = "changed@example.com"
	m.Headers["X-A"] = "changed"
	got := o.Messages()
	if got[0].To[0] != "ann@example.com" || got[0].Headers["X-A"] != "1" {
		t.Errorf("the outbox shares the sender's slices: %+v", got[0])
	}
	got[0].To[0] = "changed@example.com"
	if o.Messages()[0].To[0] != "ann@example.com" {
		t.Error("Messages shares the outbox's slices")
	}

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := o.Send(context.Background(), testMessage()); err != nil {
				t.Error(err)
			}
			_ = o.Messages()
		})
	}
	wg.Wait()
	if n := len(o.Messages()); n != 51 {
		t.Errorf("%d messages, want 51", n)
	}
}

func TestConsole(t *testing.T) {
	var b bytes.Buffer
	c := &Console{Out: &b}
	m := &Message{
		From: "site@example.com", To: []string{"ann@example.com", "bob@example.com"}, Bcc: []string{"admin@example.com"},
		ReplyTo: []string{"help@example.com"}, Subject: "Hello", Text: "Hi Ann,", HTML: "<p>Hi Ann,</p>\n",
		Headers: map[string]string{"X-B": "2", "X-A": "1"},
	}
	if err := c.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	want := "From: site@example.com\nTo: ann@example.com, bob@example.com\nBcc: admin@example.com\n" +
		"Reply-To: help@example.com\nSubject: Hello\nX-A: 1\nX-B: 2\n\nHi Ann,\n--- HTML ---\n<p>Hi Ann,</p>\n" +
		strings.Repeat("-", 79) + "\n"
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}

	b.Reset()
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { c.Send(context.Background(), testMessage()) })
	}
	wg.Wait()
	if n := strings.Count(b.String(), "From: "); n != 20 {
		t.Errorf("%d messages printed, want 20", n)
	}
}

func TestTemplates(t *testing.T) {
	text := texttemplate.Must(texttemplate.New("").Parse(
		`{{define "registration/password_reset_subject.txt"}}
Password reset
  on {{.site}}
{{end}}` +
			`{{define "registration/password_reset_email.html"}}Hi {{.name}}, reset at {{.url}}{{end}}` +
			`{{define "broken"}}{{.name.nope}}{{end}}`))
	html := htmltemplate.Must(htmltemplate.New("").Parse(
		`{{define "registration/password_reset_email_html.html"}}<a href="{{.url}}">Reset, {{.name}}</a>{{end}}`))
	data := map[string]any{"site": "O'Brien & Co", "name": "<Ann>", "url": "https://example.com/reset/?a=1&b=2"}
	tpl := Templates{Text: text, HTML: html}

	t.Run("all three", func(t *testing.T) {
		m := &Message{}
		err := tpl.Render(m, "registration/password_reset_subject.txt", "registration/password_reset_email.html",
			"registration/password_reset_email_html.html", data)
		if err != nil {
			t.Fatal(err)
		}
		want := Message{
			Subject: "Password reset  on O'Brien & Co",
			Text:    "Hi <Ann>, reset at https://example.com/reset/?a=1&b=2",
			HTML:    `<a href="https://example.com/reset/?a=1&amp;b=2">Reset, &lt;Ann&gt;</a>`,
		}
		if m.Subject != want.Subject || m.Text != want.Text || m.HTML != want.HTML {
			t.Errorf("got\n%q\n%q\n%q\nwant\n%q\n%q\n%q", m.Subject, m.Text, m.HTML, want.Subject, want.Text, want.HTML)
		}
	})
	t.Run("empty names leave fields", func(t *testing.T) {
		m := &Message{Subject: "kept\n", HTML: "kept"}
		if err := (Templates{Text: text}).Render(m, "", "registration/password_reset_email.html", "", data); err != nil {
			t.Fatal(err)
		}
		if m.Subject != "kept" || m.HTML != "kept" || !strings.HasPrefix(m.Text, "Hi") {
			t.Errorf("%+v", m)
		}
	})
	for _, tt := range []struct {
		name, subject, html, want string
		tpl                       Templates
	}{
		{name: "missing template", subject: "nope.txt", tpl: tpl, want: `template "nope.txt"`},
		{name: "failing template", subject: "broken", tpl: tpl, want: `template "broken"`},
		{name: "no HTML templates", html: "x.html", tpl: Templates{Text: text}, want: "Templates.HTML is nil"},
		{name: "no text templates", subject: "x.txt", tpl: Templates{}, want: "Templates.Text is nil"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Message{Subject: "before"}
			err := tt.tpl.Render(m, tt.subject, "registration/password_reset_email.html", tt.html, data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %s", err, tt.want)
			}
			if m.Subject != "before" || m.Text != "" {
				t.Errorf("a failed Render changed the message: %+v", m)
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"a":                      "a",
		"a\n":                    "a",
		"a\r\nb\rc\nd":           "abcd",
		"a\u2028b\u2029c\u0085d": "abcd",
		"a\vb\fc\x1cd":           "abcd",
		" a \n b ":               " a  b ",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
