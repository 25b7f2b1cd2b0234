package main

import (
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/storage/storagetest"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut syncBuffer
	e := &environment{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errOut, passwordCost: &fastHash}
	err := run(context.Background(), e, args)
	return out.String(), errOut.String(), err
}

func TestAccountCreatePrintsIDLast(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"COMPTOIR_DATA": dir}
	var ids []string
	for _, email := range []string{"one@example.fr", "two@example.fr"} {
		out, _, err := runCLI(t, env, "account", "create", "--name", "Une Entreprise", "--email", email, "--password", "mot2passe-solide")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		ids = append(ids, lines[len(lines)-1])
	}
	if ids[0] != "1" || ids[1] != "2" {
		t.Fatalf("ids = %v, want 1 and 2", ids)
	}
	list, _, err := runCLI(t, env, "account", "list")
	if err != nil || !strings.Contains(list, "1\tactive\tUne Entreprise") {
		t.Fatalf("account list = %q, %v", list, err)
	}
	_, _, err = runCLI(t, env, "account", "create", "--name", "Doublon", "--email", "ONE@example.fr", "--password", "mot2passe-solide")
	if err == nil || !strings.Contains(err.Error(), "email_taken") {
		t.Fatalf("duplicate owner e-mail: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		env  map[string]string
		want string
		code int
	}{
		{[]string{"frobnicate"}, nil, `unknown command "frobnicate"`, 2},
		{[]string{}, nil, "no command given", 2},
		{[]string{"account", "create", "--name", "", "--email", "x", "--password", "short"}, map[string]string{"COMPTOIR_DATA": dir},
			"name: the business name is required", 1},
		{[]string{"account", "create", "--name", "X", "--email", "x@example.fr", "--password", "onlyletters"}, map[string]string{"COMPTOIR_DATA": dir},
			"password_needs_letters_and_digits", 1},
		{[]string{"serve", "--addr", "nonsense"}, nil, "want host:port", 2},
		{[]string{"config"}, map[string]string{"COMPTOIR_LOG_LEVEL": "loud"}, "want debug, info, warn or error", 2},
		{[]string{"version", "extra"}, nil, `unexpected argument "extra"`, 2},
		{[]string{"token", "create", "--email", "nobody@example.fr"}, map[string]string{"COMPTOIR_DATA": dir}, "not found", 1},
	}
	for _, tt := range tests {
		_, _, err := runCLI(t, tt.env, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("comptoir %v: err = %v, want it to mention %q", tt.args, err, tt.want)
			continue
		}
		if code := exitCode(err); code != tt.code {
			t.Errorf("comptoir %v: exit code %d, want %d", tt.args, code, tt.code)
		}
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	out, _, err := runCLI(t, nil, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("help lacks %q", c.name)
		}
		h, _, err := runCLI(t, nil, append([]string{"help"}, strings.Fields(c.name)...)...)
		if err != nil || !strings.Contains(h, "Usage: comptoir "+c.name) {
			t.Errorf("help %s = %q, %v", c.name, h, err)
		}
		_, stderr, err := runCLI(t, nil, append(strings.Fields(c.name), "-h")...)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "Usage: comptoir "+c.name) {
			t.Errorf("%s -h: %v, %q", c.name, err, stderr)
		}
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	out, _, err := runCLI(t, map[string]string{"COMPTOIR_DATABASE_URL": "postgres://app:hunter2@db.internal/comptoir"}, "config", "--addr", ":9090")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "hunter2") {
		t.Fatalf("config prints the password:\n%s", out)
	}
	for _, want := range []string{"COMPTOIR_ADDR=:9090", "COMPTOIR_DATABASE_URL=postgres://app:xxxxx@db.internal/comptoir"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
}

func TestDemoGivesAWorkingLogin(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			a := startApp(t, e)
			login := func() (email, pw string) {
				out, err := a.cli("demo")
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range strings.Split(out, "\n") {
					if v, ok := strings.CutPrefix(strings.TrimSpace(l), "e-mail:"); ok {
						email = strings.TrimSpace(v)
					}
					if v, ok := strings.CutPrefix(strings.TrimSpace(l), "password:"); ok {
						pw = strings.TrimSpace(v)
					}
				}
				return email, pw
			}
			email, first := login()
			c := a.login(email, first)
			if r := a.get(c, "/settings/bank-accounts"); !strings.Contains(r.Body, "FR76 3000 6000 0112 3456 7890 189") {
				t.Errorf("demo bank account missing: %d", r.Status)
			}
			if r := a.get(c, "/contacts?q=helene"); !strings.Contains(r.Body, "Hélène Dupré") {
				t.Errorf("demo contacts missing: %d", r.Status)
			}
			if r := a.get(c, "/products?q=cafe"); !strings.Contains(r.Body, "Café en grains Éthiopie") {
				t.Errorf("demo products missing: %d", r.Status)
			}
			if r := a.get(c, "/purchases/to-pay"); !strings.Contains(r.Body, "MA-F-88120") || !strings.Contains(r.Body, "HB-2026-0412") {
				t.Errorf("demo bills to pay missing: %d", r.Status)
			}
			// Running demo again resets the password: the old one stops working.
			_, second := login()
			if second == first {
				t.Fatal("demo password not renewed")
			}
			if r := a.get(c, "/"); r.Status != 303 {
				t.Errorf("old session survived the password reset: %d", r.Status)
			}
			a.login(email, second)
		})
	}
}

// TestDunningRun: the command runs the daily reminders by hand.
func TestDunningRun(t *testing.T) {
	env := map[string]string{"COMPTOIR_DATA": t.TempDir()}
	if _, _, err := runCLI(t, env, "account", "create", "--name", "Une Entreprise", "--email", "one@example.fr", "--password", "mot2passe-solide"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, env, "dunning", "run")
	if err != nil || !strings.Contains(out, "0 reminders sent") {
		t.Fatalf("dunning run = %q, %v", out, err)
	}
}
