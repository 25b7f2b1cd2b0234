// Package pdftest reads PDFs back in tests with the real tools: qpdf
// checks their structure, poppler's pdftotext extracts their text. Outside
// CI a machine without the tools skips; in CI (CI=true) it fails.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Text checks data with qpdf --check and returns its text as pdftotext
// -layout extracts it, with every run of white space made one space so
// that tests can look for phrases whatever the layout.
func Text(t testing.TB, data []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(layout(t, data)), " ")
}

// Lines is the text line by line as pdftotext -layout extracts it, each
// line's runs of white space made one space: what a test looks in to know
// that a phrase was printed on one line, not broken across two.
func Lines(t testing.TB, data []byte) []string {
	t.Helper()
	var out []string
	for l := range strings.SplitSeq(layout(t, data), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func layout(t testing.TB, data []byte) string {
	t.Helper()
	for _, tool := range []string{"pdftotext", "qpdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
