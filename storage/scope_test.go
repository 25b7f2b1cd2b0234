package storage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tenantTables hold business data of one account each.
var tenantTables = []string{"bank_accounts", "activity", "api_tokens", "memberships", "idempotency_keys",
	"mail_log", "roles", "invitations", "activity_heads", "support_grants", "contacts", "conversations", "cases",
	"contact_addresses", "contact_views", "products", "sales_settings", "documents", "document_lines", "number_series",
	"payments", "payment_allocations", "dunning_reminders", "product_suppliers",
	"register_versions", "breaches", "account_closures", "retention_policies", "retention_runs",
	"privacy_requests", "privacy_request_contacts", "attachments"}

// unscoped lists the functions allowed to query a tenant table without
// account_id, each with its reason. Anything else fails TestEveryQueryIsScoped.
var unscoped = map[string]string{
	"TokenPrincipal":          "authentication: a token is how a request learns its account",
	"Memberships":             "login: lists a user's own accounts to choose from",
	"InvitationByToken":       "an invitation's token is how the invitee learns the account",
	"RevokeUserTokens":        "a password reset or change revokes the user's tokens in every account",
	"AccountsOverview":        "the operator console: names and counts of every account, no business data",
	"LiveSupportGrant":        "a grant is how an operator reaches an account, with the owner's consent",
	"SupportSessionPrincipal": "authentication of a support session",
	"DeleteOrphanUser":        "a closed account's member who belongs to no other account loses their login",
	"documents":               "an erasure's documents: account_id is the first condition of the conds builder",
}

var sqlStatement = regexp.MustCompile(`(?is)^\s*(SELECT|INSERT|UPDATE|DELETE)\b`)

// TestEveryQueryIsScoped reads the SQL of this package: every statement
// that touches a tenant table must mention account_id, outside the listed
// exceptions. It keeps the tenant choke point from being bypassed by a new
// query.
func TestEveryQueryIsScoped(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				sql, _ := strconv.Unquote(lit.Value)
				if !sqlStatement.MatchString(sql) {
					return true
				}
				for _, table := range tenantTables {
					if regexp.MustCompile(`\b` + table + `\b`).MatchString(sql) {
						checked++
						if !strings.Contains(sql, "account_id") && unscoped[fn.Name.Name] == "" {
							t.Errorf("%s: %s queries %s without account_id:\n%s", fset.Position(lit.Pos()), fn.Name.Name, table, sql)
						}
					}
				}
				return true
			})
		}
	}
	if checked == 0 {
		t.Fatal("no SQL statement found: the check is broken")
	}
}
