package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFileLinksAreNotBoosted: the layout boosts every link with htmx, which
// fetches a boosted link's target and swaps it into the page; a link to a
// file (a PDF, a CSV, a vCard) must opt out, or its bytes land in the page
// instead of the download (the document page's PDF button once did), and
// an attached file's link must never be fetched into the page either.
func TestFileLinksAreNotBoosted(t *testing.T) {
	anchor := regexp.MustCompile(`<a\s[^>]*>`)
	// Attached files (/files/{id}) are served by their stored type.
	file := regexp.MustCompile(`href="[^"]*(/pdf|\.pdf|\.csv|\.vcf|\.ics|/files/[^"]*)(\?[^"]*)?"|\sdownload[\s>]`)
	paths, err := filepath.Glob("templates/*.html")
	if err != nil || len(paths) == 0 {
		t.Fatalf("templates: %v", err)
	}
	checked := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range anchor.FindAllString(string(b), -1) {
			if !file.MatchString(a) || strings.Contains(a, `target="_blank"`) {
				continue
			}
			checked++
			if !strings.Contains(a, `hx-boost="false"`) {
				t.Errorf("%s: a link to a file without hx-boost=\"false\": %s", p, a)
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d file links found: is the pattern still right?", checked)
	}
}
