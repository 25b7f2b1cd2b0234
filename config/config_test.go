package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	if err := c.Register(fs, func(k string) string { return env[k] }); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Validate()
}

func TestPrecedence(t *testing.T) {
	c, err := load(t, map[string]string{"COMPTOIR_ADDR": "127.0.0.1:9000", "COMPTOIR_LOG_LEVEL": "debug"}, "--addr", ":7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":7000" || c.LogLevel != "debug" || c.DataDir != "comptoir-data" {
		t.Fatalf("got %+v", c)
	}
}

func TestSecretFromFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(f, []byte("postgres://u:s3cret@db/comptoir\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, map[string]string{"COMPTOIR_DATABASE_URL_FILE": f})
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u:s3cret@db/comptoir" {
		t.Fatalf("DatabaseURL = %q", c.DatabaseURL)
	}
	var b strings.Builder
	c.Print(&b)
	if strings.Contains(b.String(), "s3cret") || !strings.Contains(b.String(), "COMPTOIR_DATABASE_URL=postgres://u:xxxxx@db/comptoir") {
		t.Fatalf("Print leaks or loses the URL:\n%s", b.String())
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"COMPTOIR_ADDR": "nonsense"}, "want host:port"},
		{map[string]string{"COMPTOIR_DATABASE_URL": "mysql://x"}, "want a postgres:// URL"},
		{map[string]string{"COMPTOIR_PUBLIC_URL": "example.org"}, "absolute http(s) URL"},
		{map[string]string{"COMPTOIR_TLS_CERT": "c.pem"}, "go together"},
		{map[string]string{"COMPTOIR_LOG_FORMAT": "xml"}, "want auto, text or json"},
		{map[string]string{"COMPTOIR_TRUST_PROXY": "maybe"}, "want true or false"},
		{map[string]string{"COMPTOIR_MAX_READERS": "0"}, "want 1 to 256"},
		{map[string]string{"COMPTOIR_DATABASE_URL_FILE": "/nonexistent/x"}, "COMPTOIR_DATABASE_URL_FILE"},
	}
	for _, tt := range tests {
		_, err := load(t, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %v: err = %v, want it to mention %q", tt.env, err, tt.want)
		}
	}
}

func TestBaseURL(t *testing.T) {
	c := Default()
	if got := c.BaseURL(); got != "http://127.0.0.1:8080" {
		t.Errorf("BaseURL = %q", got)
	}
	c.PublicURL = "https://comptoir.example.fr/"
	if got := c.BaseURL(); got != "https://comptoir.example.fr" {
		t.Errorf("BaseURL = %q", got)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"hunter2":                        "********",
		"postgres://u@h/db":              "postgres://u@h/db",
		"postgres://h/db?password=x&a=b": "postgres://h/db?a=b&password=xxxxx",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
