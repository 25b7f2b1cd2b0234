package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// fastHash keeps argon2id cheap in tests; BenchmarkLogin measures the real cost.
var fastHash = password.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}

// app is a comptoir process started in-process by `comptoir serve` on a
// free port with a database of its own, as a user would run it.
type app struct {
	t    testing.TB
	URL  string
	args []string    // the database flags, shared by CLI calls on this app
	logs *syncBuffer // what the server logged
}

// startApp runs `comptoir serve` on 127.0.0.1:0 with a fresh database of
// engine e, and any extra serve flags, and stops it when the test ends.
func startApp(t testing.TB, e storagetest.Engine, extra ...string) *app {
	t.Helper()
	opts := e.Options(t)
	a := &app{t: t}
	if opts.URL != "" {
		a.args = []string{"--database", opts.URL}
	} else {
		a.args = []string{"--data", opts.DataDir}
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	ctx = context.WithValue(ctx, listenHookKey{}, func(s string) { addr <- s })
	done := make(chan error, 1)
	logs := &syncBuffer{}
	a.logs = logs
	env := &environment{getenv: func(string) string { return "" }, stdout: logs, stderr: logs, passwordCost: &fastHash}
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, extra...)
		done <- run(ctx, env, append(args, a.args...))
	}()
	select {
	case s := <-addr:
		a.URL = "http://" + s
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, logs.String())
	case <-time.After(90 * time.Second): // generous: race-detector builds on a loaded 2-core machine
		t.Fatal("serve did not start within 90 s")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return a
}

// cli runs a comptoir command against the app's database and returns its
// standard output.
func (a *app) cli(args ...string) (string, error) {
	var out, errOut syncBuffer
	env := &environment{getenv: func(string) string { return "" }, stdout: &out, stderr: &errOut, passwordCost: &fastHash}
	err := run(context.Background(), env, append(args, a.args...))
	if err != nil {
		return out.String(), errors.Join(err, errors.New(errOut.String()))
	}
	return out.String(), nil
}

// tenant is an account created through the CLI, with an API token and a
// logged-in browser-like client for its owner.
type tenant struct {
	ID       string
	Email    string
	Password string
	Token    string
	Browser  *http.Client
}

// mustTenant creates an account and its owner as `comptoir account create`
// does, then a token with `comptoir token create`, then logs in.
func (a *app) mustTenant(name, email string) *tenant {
	a.t.Helper()
	tn := &tenant{Email: email, Password: "s3cret-pass-" + name}
	out, err := a.cli("account", "create", "--name", name, "--email", email, "--password", tn.Password)
	if err != nil {
		a.t.Fatalf("account create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	tn.ID = lines[len(lines)-1]
	tok, err := a.cli("token", "create", "--email", email)
	if err != nil {
		a.t.Fatalf("token create: %v", err)
	}
	tn.Token = strings.TrimSpace(tok)
	tn.Browser = a.login(email, tn.Password)
	return tn
}

// newBrowser returns an HTTP client with a cookie jar that does not follow
// redirects, so tests see them.
func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login posts the login form and returns the logged-in client.
func (a *app) login(email, pw string) *http.Client {
	a.t.Helper()
	c := newBrowser()
	resp, err := c.PostForm(a.URL+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		a.t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("login as %s: status %d", email, resp.StatusCode)
	}
	return c
}

// response is a fully read HTTP response.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v.
func (r response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// api calls the JSON API with a bearer token ("" for none).
func (a *app) api(method, path, token string, body any, header ...string) response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return a.do(http.DefaultClient, req)
}

func (a *app) do(c *http.Client, req *http.Request) response {
	a.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// get fetches a page with a browser client.
func (a *app) get(c *http.Client, path string) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
	return a.do(c, req)
}

// post submits a form with a browser client, as a same-origin page would.
func (a *app) post(c *http.Client, path string, form url.Values) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", a.URL)
	return a.do(c, req)
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eachEngine runs fn against a fresh app on every engine, in parallel.
func eachEngine(t *testing.T, fn func(t *testing.T, a *app)) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, startApp(t, e))
		})
	}
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
