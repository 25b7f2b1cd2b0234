package main

import (
	"os"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/pdf/pdftest"
)

// registerVersionOf imports seed 000's register into the account of token
// and returns the version's id.
func registerVersionOf(t *testing.T, a *app, token string) int64 {
	t.Helper()
	raw, err := os.ReadFile("../../privacy/testdata/seed000.json")
	if err != nil {
		t.Fatal(err)
	}
	r := a.api("POST", "/api/v1/privacy/register/import", token, string(raw))
	var v struct {
		ID int64 `json:"id"`
	}
	if r.Status != 201 {
		t.Fatalf("register import: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &v)
	return v.ID
}

// TestRegisterAPIScenarios drives the register's API: read, checks, save,
// import, versions and exports, each response checked against the OpenAPI
// document, each write in the activity log.
func TestRegisterAPIScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		seed, err := os.ReadFile("../../privacy/testdata/seed004.json")
		if err != nil {
			t.Fatal(err)
		}
		scenarios := []scenario{
			{name: "generated register", method: "GET", path: "/api/v1/privacy/register", as: "A", status: 200,
				contains: []string{`"organisation":"Alpha"`, `"key":"users"`, `"key":"activity_log"`, `argon2id`}, notContains: []string{`"version"`}},
			{name: "checks", method: "GET", path: "/api/v1/privacy/register/checks", as: "A", status: 200,
				contains: []string{`"code":"backup_missing"`}},
			{name: "unknown field refused with its path", method: "PUT", path: "/api/v1/privacy/register", as: "A",
				body: `{"title":"x","controller":{},"dpo":{},"activities":[{"key":"a","name":"A","recipients":{},"sensitive":false,"purpose":"x"}]}`, status: 422,
				contains: []string{`"field":"activities[0].purpose"`, `"code":"unknown_field"`}},
			{name: "save", method: "PUT", path: "/api/v1/privacy/register", as: "A",
				body:   `{"title":"Registre d'Alpha","controller":{"organisation":"Alpha","email":"dpo@alpha.fr"},"dpo":{"last_name":"Martin"},"activities":[{"key":"paper","name":"Archives papier","recipients":{},"sensitive":false}]}`,
				status: 200, contains: []string{`"title":"Registre d'Alpha"`, `"key":"paper"`, `"author":"alpha@example.fr"`, `"code":"legal_basis_missing"`},
				notContains: []string{`"key":"users"`}, activity: []string{"privacy update register"}},
			{name: "a stale edit is refused", method: "PUT", path: "/api/v1/privacy/register", as: "A", header: []string{"If-Match", `"0"`},
				body: `{"title":"x","controller":{},"dpo":{},"activities":[]}`, status: 409, contains: []string{`"code":"conflict"`}},
			{name: "other account unchanged", method: "GET", path: "/api/v1/privacy/register", as: "B", status: 200,
				contains: []string{`"organisation":"Beta"`}, notContains: []string{"Archives papier", "Alpha"}},
			{name: "import seed 004", method: "POST", path: "/api/v1/privacy/register/import", as: "A", body: string(seed), status: 201, save: "{version}",
				contains: []string{`"note":"import"`, "VRACOOP"}, activity: []string{"privacy update register"}},
			{name: "versions", method: "GET", path: "/api/v1/privacy/register/versions", as: "A", status: 200,
				contains: []string{`"note":"import"`, `"note":"api"`}, notContains: []string{"VRACOOP"}},
			{name: "one version", method: "GET", path: "/api/v1/privacy/register/versions/{version}", as: "A", status: 200,
				contains: []string{"Shootshoot, développeur et administrateur de l'application mobile."}},
			{name: "other account cannot read the version", method: "GET", path: "/api/v1/privacy/register/versions/{version}", as: "B", status: 404},
			{name: "other account has no version", method: "GET", path: "/api/v1/privacy/register/versions", as: "B", status: 200, contains: []string{`"data":[]`}},
			{name: "export json", method: "GET", path: "/api/v1/privacy/register/export?format=json", as: "A", status: 200,
				contains: []string{`"title": "REGISTRE DES ACTIVITÉS DE TRAITEMENT DE VRACOOP"`}, activity: []string{"privacy export register"}},
			{name: "export markdown", method: "GET", path: "/api/v1/privacy/register/export?format=md", as: "A", status: 200,
				contains: []string{"## Fiche de registre de l'activité 5 – Application mobile (orienté consommateur)"}, activity: []string{"privacy export register"}},
			{name: "export a version that is not there", method: "GET", path: "/api/v1/privacy/register/export?version=999999", as: "A", status: 404},
			{name: "export in an unknown format", method: "GET", path: "/api/v1/privacy/register/export?format=docx", as: "A", status: 422,
				contains: []string{`"field":"format"`}},
			{name: "no credentials", method: "GET", path: "/api/v1/privacy/register", status: 401},
		}
		runScenarios(t, a, spec, A, B, scenarios)

		r := a.api("GET", "/api/v1/privacy/register/export?format=pdf", A.Token, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if text := pdftest.Text(t, []byte(r.Body)); !strings.Contains(text, "LEFLOND") || !strings.Contains(text, "Codage spécifique pour toute requête serveur") {
			t.Errorf("pdf text: %s", text)
		}
	})
}
