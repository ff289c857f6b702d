// Package mail sends email: Django's django.core.mail for fiberviews.
//
// A [Message] is an email with a plain-text body and an optional HTML
// alternative. A [Mailer] sends it; the package has four:
//
//   - [SMTP] sends through an SMTP server, with STARTTLS, implicit TLS and
//     PLAIN or LOGIN authentication.
//   - [Console] prints each message instead, for development, like
//     Django's console backend.
//   - [Outbox] keeps each message for tests to read, like Django's
//     mail.outbox.
//   - [Queue] sends off the request path: it wraps another Mailer, returns
//     from Send at once, and retries temporary failures in the background.
//
// A site in production wraps its SMTP mailer in a Queue and closes the
// queue when it stops:
//
//	q := &mail.Queue{Mailer: &mail.SMTP{Addr: "smtp.example.com:587", Username: u, Password: p}}
//	defer q.Close(ctx)
//	err := q.Send(ctx, &mail.Message{From: "site@example.com", To: []string{addr}, Subject: s, Text: body})
//
// [Templates] renders a message's subject and bodies from templates; the
// subject's lines are joined into one, as Django does.
//
// Every mailer checks a message before sending it: a line break in the
// subject, an address or a header is rejected with [ErrInvalidMessage], so
// user input cannot add headers or recipients. A failure that may pass on
// a later try wraps [ErrTemporary].
package mail
