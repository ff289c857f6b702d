package mail_test

import (
	"context"
	"fmt"
	"os"
	"text/template"

	"github.com/fiberviews/fiberviews/mail"
)

func ExampleConsole() {
	c := &mail.Console{Out: os.Stdout}
	err := c.Send(context.Background(), &mail.Message{
		From:    "site@example.com",
		To:      []string{"ann@example.com"},
		Subject: "Welcome",
		Text:    "Hello Ann.",
	})
	fmt.Println(err)
	// Output:
	// From: site@example.com
	// To: ann@example.com
	// Subject: Welcome
	//
	// Hello Ann.
	// -------------------------------------------------------------------------------
	// <nil>
}

func ExampleOutbox() {
	var outbox mail.Outbox // in a test, the site's mailer
	texts := template.Must(template.New("").Parse(
		`{{define "subject.txt"}}Password reset on {{.site}}
{{end}}{{define "email.txt"}}Reset it at {{.url}}{{end}}`))

	m := &mail.Message{From: "site@example.com", To: []string{"ann@example.com"}}
	if err := (mail.Templates{Text: texts}).Render(m, "subject.txt", "email.txt", "", map[string]string{
		"site": "example.com", "url": "https://example.com/reset/MQ/abc/",
	}); err != nil {
		panic(err)
	}
	if err := outbox.Send(context.Background(), m); err != nil {
		panic(err)
	}

	for _, m := range outbox.Messages() {
		fmt.Printf("%q to %v: %s\n", m.Subject, m.To, m.Text)
	}
	// Output:
	// "Password reset on example.com" to [ann@example.com]: Reset it at https://example.com/reset/MQ/abc/
}
