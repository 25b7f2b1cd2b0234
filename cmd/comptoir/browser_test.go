package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// browser drives a headless Chromium and collects every console error,
// uncaught exception and CSP violation the pages produce.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func chromiumPath() string {
	if p := os.Getenv("COMPTOIR_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func newBrowserSession(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		storagetest.Skip(t, "browser tests need Chromium: apt-get install -y chromium (or set COMPTOIR_TEST_CHROMIUM)")
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.WindowSize(1280, 900),
	)...)
	b := &browser{}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser and must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b.ctx = ctx
	return b
}

var expectedStatus = regexp.MustCompile(`status of (422|401|403) `)

// listen records console errors and warnings, uncaught exceptions and
// browser log entries such as CSP violations.
func (b *browser) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.problem("console %s: %s", ev.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		b.problem("exception: %s", ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		// A form with errors is answered 422, a failed login 401 and a
		// refused page 403 on purpose; Chromium logs any such response.
		if expectedStatus.MatchString(ev.Entry.Text) {
			return
		}
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning || strings.Contains(ev.Entry.Text, "Content Security Policy") {
			b.problem("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
		}
	}
}

func (b *browser) problem(format string, a ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, fmt.Sprintf(format, a...))
}

// run runs actions; on failure it saves a screenshot and fails the test.
func (b *browser) run(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.screenshot(t, step)
		t.Fatalf("%s: %v", step, err)
	}
}

func (b *browser) screenshot(t *testing.T, step string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot failed: %v", err)
		return
	}
	dir := os.Getenv("COMPTOIR_TEST_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()+"-"+step)+".png")
	if err := os.WriteFile(name, png, 0o644); err == nil {
		t.Logf("screenshot of the failure: %s", name)
	}
}

// checkClean fails the test if any page produced a console error, an
// exception or a CSP violation.
func (b *browser) checkClean(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("browser: %s", p)
	}
	if len(b.problems) > 0 {
		b.mu.Unlock()
		b.screenshot(t, "console")
		b.mu.Lock()
	}
}

// text reads the text of the first element matching a CSS selector.
// activityActions opens the Activity page at path and returns the action
// of each entry shown, and how many of them are issues.
func (b *browser) activityActions(t *testing.T, url string) (actions []string, issues int) {
	t.Helper()
	b.run(t, "activity", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`.activity-entries`)))
	actions, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.activity-entries li[data-action]')].map(e => e.dataset.action)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range actions {
		if a == "issue" {
			issues++
		}
	}
	return actions, issues
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	var v string
	var err error
	// htmx may replace the element between finding it and reading it:
	// read again, a few times, before calling it a failure.
	for range 5 {
		if v, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel))); err == nil {
			return strings.TrimSpace(v)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.screenshot(t, "text")
	t.Fatalf("text of %s: %v", sel, err)
	return ""
}

func (b *browser) attr(t *testing.T, sel, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return v.Value
}

// TestBrowserShell drives the shell in headless Chromium as a new user
// would: log in, read the French UI, switch to English, submit an invalid
// form, and use the menu on a phone-sized screen, with no console error,
// exception or CSP violation along the way.
func TestBrowserShell(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Épicerie Alpha", "alpha@example.fr")
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	b.run(t, "login page", chromedp.Navigate(a.URL+"/"), chromedp.WaitVisible(css(`#email`)))
	if title, lang := b.text(t, "h1"), b.attr(t, "html", "lang"); title != "Connexion" || lang != "fr" {
		t.Errorf("login page: title %q, lang %q; want French", title, lang)
	}
	b.run(t, "log in",
		chromedp.SendKeys(css(`#email`), A.Email),
		chromedp.SendKeys(css(`#password`), A.Password),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`[data-testid=account-name]`)),
	)
	if account, heading := b.text(t, `[data-testid=account-name]`), b.text(t, "main h1"); account != "Épicerie Alpha" || !strings.HasPrefix(heading, "Bienvenue") {
		t.Errorf("home: account %q, heading %q", account, heading)
	}

	b.run(t, "switch to English",
		chromedp.Click(css(`button[name=lang][value=en]`)),
		chromedp.WaitVisible(css(`html[lang=en] main h1`)),
	)
	if heading := b.text(t, "main h1"); !strings.HasPrefix(heading, "Welcome") {
		t.Errorf("after switching: heading %q", heading)
	}

	b.run(t, "invalid settings",
		chromedp.Click(css(`#nav-main a[href="/settings/account"]`)),
		chromedp.WaitVisible(css(`#f-siren`)),
		chromedp.SendKeys(css(`#f-siren`), "123456789"),
		chromedp.Click(css(`form[action="/settings/account"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#f-siren-error`)),
	)
	if feedback := b.text(t, `#f-siren-error`); !strings.Contains(feedback, "SIREN is not valid") {
		t.Errorf("SIREN error = %q", feedback)
	}

	b.run(t, "phone layout",
		chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile),
		chromedp.Navigate(a.URL+"/"),
		chromedp.WaitVisible(css(`.navbar-toggler`)),
		chromedp.Click(css(`.navbar-toggler`)),
		chromedp.WaitVisible(css(`#nav-main a[href="/activity"]`)),
	)
	if expanded := b.attr(t, ".navbar-toggler", "aria-expanded"); expanded != "true" {
		t.Errorf("menu toggler aria-expanded = %q after click", expanded)
	}
	b.checkClean(t)
}

// login returns the steps of logging in from the login page.
func (b *browser) login(base, email, password string) []chromedp.Action[chromedp.Void] {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(css(`#email`)),
		chromedp.SendKeys(css(`#email`), email),
		chromedp.SendKeys(css(`#password`), password),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`[data-testid=account-name]`)),
	}
}

// waitText polls the text of sel until ok accepts it.
func (b *browser) waitText(t *testing.T, sel string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := b.text(t, sel)
		if ok(got) {
			return
		}
		if time.Now().After(deadline) {
			b.screenshot(t, "wait")
			t.Fatalf("%s: %q", sel, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
