package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode says how an [SMTP] mailer encrypts its connection.
type TLSMode int

const (
	// StartTLS upgrades the connection with STARTTLS and fails if the
	// server does not offer it. It is the zero value.
	StartTLS TLSMode = iota
	// OpportunisticStartTLS upgrades with STARTTLS if the server offers it
	// and sends in plain text otherwise.
	OpportunisticStartTLS
	// ImplicitTLS speaks TLS from the first byte, as on port 465.
	ImplicitTLS
	// NoTLS never encrypts. Passwords are only sent over it to localhost.
	NoTLS
)

// DefaultTimeout bounds each network step of an [SMTP] mailer whose
// Timeout is zero.
const DefaultTimeout = 15 * time.Second

// SMTP is a Mailer that sends each message over a new connection to an
// SMTP server. Its fields must not change once it is in use.
type SMTP struct {
	// Addr is the server's host:port. Without a port, 587 is used (465
	// with ImplicitTLS, 25 with NoTLS).
	Addr string

	// Username and Password authenticate with the server, by PLAIN or
	// LOGIN, whichever it offers; no authentication if Username is "".
	Username string
	Password string

	TLS TLSMode

	// TLSConfig configures TLS; nil means the system's roots. Its
	// ServerName defaults to Addr's host.
	TLSConfig *tls.Config

	// Timeout bounds connecting and each step after it; 0 means
	// DefaultTimeout. The context given to Send bounds the whole.
	Timeout time.Duration
}

// Send delivers m. A failure that may pass if retried wraps
// [ErrTemporary].
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	if err := m.check(); err != nil {
		return err
	}
	msg, err := m.gomail()
	if err != nil {
		return err
	}
	var stops []func() bool
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	client, host, port, err := s.client(ctx, &stops)
	if err != nil {
		return err
	}
	err = client.DialAndSendWithContext(ctx, msg)
	if err == nil {
		return nil
	}
	addr := net.JoinHostPort(host, port)
	if ctx.Err() != nil {
		return fmt.Errorf("mail: smtp %s: %w (%w)", addr, ctx.Err(), err)
	}
	hint := smtpHint(err)
	if smtpTemporary(err) {
		return fmt.Errorf("%w: smtp %s: %w%s", ErrTemporary, addr, err, hint)
	}
	return fmt.Errorf("mail: smtp %s: %w%s", addr, err, hint)
}

// client builds the go-mail client for one Send.
func (s *SMTP) client(ctx context.Context, stops *[]func() bool) (*gomail.Client, string, string, error) {
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		host, port = s.Addr, ""
	}
	if host == "" {
		return nil, "", "", errors.New("mail: SMTP.Addr has no host; set it to the server's host:port")
	}
	if port == "" {
		switch s.TLS {
		case ImplicitTLS:
			port = "465"
		case NoTLS:
			port = "25"
		default:
			port = "587"
		}
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return nil, "", "", fmt.Errorf("mail: SMTP.Addr %q has a bad port; write it as host:port", s.Addr)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	conf := &tls.Config{}
	if s.TLSConfig != nil {
		conf = s.TLSConfig.Clone()
	}
	if conf.ServerName == "" {
		conf.ServerName = host
	}

	opts := []gomail.Option{
		gomail.WithPort(p),
		gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(conf),
		gomail.WithDialContextFunc(dialer(ctx, stops, s.TLS == ImplicitTLS, conf)),
	}
	switch s.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case OpportunisticStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, "", "", fmt.Errorf("mail: SMTP.TLS is %d; use StartTLS, OpportunisticStartTLS, ImplicitTLS or NoTLS", s.TLS)
	}
	if s.Username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, "", "", fmt.Errorf("mail: SMTP: %w", err)
	}
	return c, host, port, nil
}

// dialer connects (and, for implicit TLS, shakes hands) itself, so that
// cancelling Send's ctx closes the connection even in the middle of a
// reply. It adds to stops what undoes that once Send returns.
func dialer(ctx context.Context, stops *[]func() bool, implicit bool, conf *tls.Config) gomail.DialContextFunc {
	return func(dctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		*stops = append(*stops, context.AfterFunc(ctx, func() { raw.Close() }))
		if !implicit {
			return raw, nil
		}
		tc := tls.Client(raw, conf)
		if err := tc.HandshakeContext(dctx); err != nil {
			raw.Close()
			return nil, err
		}
		return tc, nil
	}
}

// smtpTemporary reports whether err may pass on a later try.
func smtpTemporary(err error) bool {
	var cert *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	if errors.As(err, &cert) || errors.As(err, &unknown) || errors.As(err, &hostname) {
		return false
	}
	var se *gomail.SendError
	if errors.As(err, &se) && se.IsTemp() {
		return true
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 400 && te.Code < 500
	}
	var ne net.Error
	return errors.As(err, &ne) // refused, reset or timed out: the server may be back
}

// smtpHint says how to fix the common permanent failures.
func smtpHint(err error) string {
	var te *textproto.Error
	var cert *tls.CertificateVerificationError
	switch {
	case errors.As(err, &te) && (te.Code == 535 || te.Code == 534):
		return "; check SMTP.Username and SMTP.Password"
	case errors.As(err, &cert):
		return "; the server's certificate is not trusted: set SMTP.TLSConfig.RootCAs to its CA"
	case errors.Is(err, gomail.ErrPlainAuthNotSupported), errors.Is(err, gomail.ErrLoginAuthNotSupported),
		errors.Is(err, gomail.ErrNoSupportedAuthDiscovered):
		return "; the server offers neither PLAIN nor LOGIN authentication"
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		return "; use ImplicitTLS if the port speaks TLS from the start"
	}
	return ""
}

// gomail converts a checked message.
func (m *Message) gomail() (*gomail.Msg, error) {
	g := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	set := []struct {
		h     gomail.AddrHeader
		addrs []string
	}{
		{gomail.HeaderFrom, []string{m.From}}, {gomail.HeaderTo, m.To}, {gomail.HeaderCc, m.Cc},
		{gomail.HeaderBcc, m.Bcc}, {gomail.HeaderReplyTo, m.ReplyTo},
	}
	for _, f := range set {
		if len(f.addrs) == 0 {
			continue
		}
		if err := g.SetAddrHeader(f.h, f.addrs...); err != nil {
			return nil, invalid("%s: %v", f.h, err)
		}
	}
	g.Subject(m.Subject)
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		g.SetGenHeader(gomail.Header(k), m.Headers[k])
	}
	switch {
	case m.HTML == "":
		g.SetBodyString(gomail.TypeTextPlain, m.Text)
	case m.Text == "":
		g.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		g.SetBodyString(gomail.TypeTextPlain, m.Text)
		g.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return g, nil
}
