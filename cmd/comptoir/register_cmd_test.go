package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/privacy"
)

func TestRegisterCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"COMPTOIR_DATA": dir, "COMPTOIR_OPERATOR_NAME": "Hébergeur SAS",
		"COMPTOIR_HOSTING_PROVIDER": "OVH", "COMPTOIR_SMTP_URL": "smtp://user:s3cret@smtp.example.fr:587"}
	if _, _, err := runCLI(t, env, "account", "create", "--name", "Vracoop", "--email", "sebastien@vracoop.fr", "--password", "mot2passe-solide"); err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join("..", "..", "privacy", "testdata", "seed004.json")
	out, _, err := runCLI(t, env, "register", "import", seed, "--account", "1")
	if err != nil || strings.TrimSpace(out) != "version 1" {
		t.Fatalf("import: %q %v", out, err)
	}
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	want, err := privacy.ImportRegister(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(t, env, "register", "export", "--account", "1", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got privacy.Register
	if err := json.Unmarshal([]byte(out), &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("json export differs (%v):\n%s", err, out)
	}
	out, _, err = runCLI(t, env, "register", "export", "--account", "1", "--format", "md")
	if err != nil || !strings.Contains(out, "# REGISTRE DES ACTIVITÉS DE TRAITEMENT DE VRACOOP") {
		t.Fatalf("md: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "registre.pdf")
	if _, _, err := runCLI(t, env, "register", "export", "--account", "1", "--output", file); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, b); !strings.Contains(text, "Shootshoot, développeur et administrateur de l'application mobile.") {
		t.Errorf("pdf text lacks the last sheet:\n%s", text)
	}
	out, _, err = runCLI(t, env, "register", "export", "--processor", "--format", "md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Hébergeur SAS", "Vracoop", "OVH", "smtp.example.fr"} {
		if !strings.Contains(out, s) {
			t.Errorf("processor register lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "s3cret") {
		t.Error("the SMTP password is in the processor register")
	}
	for _, args := range [][]string{
		{"register", "export"},
		{"register", "export", "--account", "1", "--processor"},
	} {
		if _, _, err := runCLI(t, env, args...); exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
	if _, _, err := runCLI(t, env, "register", "export", "--account", "1", "--format", "docx"); err == nil || !strings.Contains(err.Error(), "format") {
		t.Errorf("docx: %v", err)
	}
}
