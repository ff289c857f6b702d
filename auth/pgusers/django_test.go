package pgusers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fiberviews/fiberviews/auth"
	"github.com/fiberviews/fiberviews/internal/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// These tests run Django itself on PostgreSQL (Debian's python3-django and python3-psycopg2).
// Without them a test skips, unless CI is set, where it fails.

const djangoScript = `
import json, sys
from urllib.parse import urlparse
import django
from django.conf import settings
inp = json.load(sys.stdin)
u = urlparse(inp["url"])
settings.configure(
    SECRET_KEY="test",
    USE_TZ=True,
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": u.path[1:], "USER": u.username,
                           "PASSWORD": u.password or "", "HOST": u.hostname, "PORT": u.port}},
)
django.setup()
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
out = {"version": django.get_version()}
act = inp["action"]
if act == "migrate":
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    out["id"] = User.objects.create_user(inp["username"], inp["email"], inp["password"]).id
elif act == "login":
    out["ok"] = authenticate(username=inp["username"], password=inp["password"]) is not None
    out["users"] = {x.username: [x.last_login.isoformat() if x.last_login else None, x.date_joined.isoformat()]
                    for x in User.objects.all()}
json.dump(out, sys.stdout)
`

func runDjango(t *testing.T, in map[string]any) map[string]any {
	t.Helper()
	var py string
	var why []string
	for _, p := range []string{os.Getenv("FIBERVIEWS_PYTHON"), "python3", "/usr/bin/python3"} {
		if p == "" {
			continue
		}
		out, err := exec.Command(p, "-c", "import django, psycopg2").CombinedOutput()
		if err == nil {
			py = p
			break
		}
		why = append(why, p+": "+strings.TrimSpace(string(out)))
	}
	if py == "" {
		msg := "Django with psycopg2 not found (apt-get install python3-django python3-psycopg2): " + strings.Join(why, "; ")
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	body, _ := json.Marshal(in)
	cmd := exec.Command(py, "-c", djangoScript)
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("django %v: %v\n%s", in["action"], err, stderr.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("django output %q: %v", out, err)
	}
	return res
}

// columnTypes describes auth_user's columns as PostgreSQL reports them.
func columnTypes(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '') ||
		CASE WHEN is_nullable = 'YES' THEN ' NULL' ELSE '' END FROM information_schema.columns WHERE table_name = 'auth_user' ORDER BY column_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		_ = rows.Scan(&c)
		cols = append(cols, c)
	}
	return cols
}

// TestDjangoDatabase: a PostgreSQL database made by Django's migrate is used here as it is, and users
// and logins go both ways; the table this package creates has the columns and types of Django's.
func TestDjangoDatabase(t *testing.T) {
	url := pgtest.URL(t)
	res := runDjango(t, map[string]any{"action": "migrate", "url": url, "username": "djuser", "email": "dj@example.com", "password": "dj password"})
	t.Logf("Django %v", res["version"])
	ctx := context.Background()
	s := open(t, url)
	b := cheap(s)
	dj, err := b.Authenticate(ctx, "DJUSER", "dj password")
	if err != nil {
		t.Fatalf("Django's user does not log in here: %v", err)
	}
	if dj.Email != "dj@example.com" || !dj.IsActive || dj.DateJoined.IsZero() || dj.ID != int64(res["id"].(float64)) {
		t.Errorf("Django's user read as %+v", dj)
	}
	if _, err := b.CreateUser(ctx, "DjUser", "", "x"); !errors.Is(err, auth.ErrUsernameTaken) {
		t.Errorf("got %v", err)
	}
	gu, err := b.CreateUser(ctx, "gouser", "go@Example.COM", "go password")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ username, password string }{{"gouser", "go password"}, {"djuser", "dj password"}} {
		t.Run("Django logs in "+tc.username, func(t *testing.T) {
			res := runDjango(t, map[string]any{"action": "login", "url": url, "username": tc.username, "password": tc.password})
			if res["ok"] != true {
				t.Fatalf("%s does not log in on Django", tc.username)
			}
			users := res["users"].(map[string]any)
			if tc.username == "gouser" { // djuser's last login is still the one stored here
				if at, err := time.Parse(time.RFC3339Nano, users["djuser"].([]any)[0].(string)); err != nil || !at.Equal(dj.LastLogin) {
					t.Errorf("Django reads djuser's last_login %v, want %v", users["djuser"], dj.LastLogin)
				}
			}
			if joined, err := time.Parse(time.RFC3339Nano, users["gouser"].([]any)[1].(string)); err != nil || !joined.Equal(gu.DateJoined) {
				t.Errorf("Django reads gouser's date_joined %v, want %v", users["gouser"], gu.DateJoined)
			}
		})
	}
	t.Run("our table has Django's columns", func(t *testing.T) {
		ours := open(t, pgtest.URL(t))
		if got, want := columnTypes(t, ours.Pool()), columnTypes(t, s.Pool()); strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("ours:\n%s\nDjango's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
