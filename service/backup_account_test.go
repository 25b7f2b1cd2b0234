package service_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestAccountBackupRoundTrip: an account's backup, encrypted to a
// passphrase, restores into another instance — of either engine — beside
// the account already there, with its ids, rows, attached file and an
// activity chain that verifies and records the restore; a second restore
// is refused and changes nothing.
func TestAccountBackupRoundTrip(t *testing.T) {
	for _, from := range storagetest.Engines() {
		for _, to := range storagetest.Engines() {
			t.Run(from.Name+"_to_"+to.Name, func(t *testing.T) {
				t.Parallel()
				src := newService(t, storagetest.Open(t, from))
				sys := access.AsSystem(context.Background())
				// An account first, so that the demo's is not number 1.
				if _, _, err := src.CreateAccount(sys, service.NewAccount{Account: account.New("Premier"), OwnerEmail: "premier@example.fr",
					OwnerPassword: "pass1234word", OwnerVerified: true}); err != nil {
					t.Fatal(err)
				}
				login, err := demo.Seed(sys, src)
				if err != nil {
					t.Fatal(err)
				}
				demoID := accountOfUser(t, src, login.Email)
				rcp, err := service.AccountBackupRecipient("une longue phrase secrète")
				if err != nil {
					t.Fatal(err)
				}
				var file bytes.Buffer
				m, err := src.ExportAccountBackup(account.WithID(sys, demoID), &file, []age.Recipient{rcp})
				if err != nil {
					t.Fatal(err)
				}
				if m.Kind != backup.KindAccount || m.Files != 1 || len(m.Accounts) != 1 || m.Accounts[0].ID != demoID {
					t.Fatalf("manifest: %+v", m)
				}
				want, err := src.DB().AccountRows(account.WithID(context.Background(), demoID))
				if err != nil {
					t.Fatal(err)
				}

				dstDB := storagetest.Open(t, to)
				dst := newService(t, dstDB)
				if _, _, err := dst.CreateAccount(sys, service.NewAccount{Account: account.New("Déjà là"), OwnerEmail: "deja@example.fr",
					OwnerPassword: "pass1234word", OwnerVerified: true}); err != nil {
					t.Fatal(err)
				}
				before := tableCounts(t, dstDB)
				id, err := age.NewScryptIdentity("une longue phrase secrète")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := dst.RestoreAccount(sys, bytes.NewReader(file.Bytes()), []age.Identity{&wrongPassphrase{}}); !errors.Is(err, backup.ErrWrongKey) {
					t.Fatalf("a wrong passphrase: %v", err)
				}
				rep, err := dst.RestoreAccount(sys, bytes.NewReader(file.Bytes()), []age.Identity{id})
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Accounts) != 1 || rep.Accounts[0].ID != demoID || len(rep.Checks) == 0 {
					t.Fatalf("report: %+v", rep)
				}
				got, err := dstDB.AccountRows(account.WithID(context.Background(), demoID))
				if err != nil {
					t.Fatal(err)
				}
				for table, n := range want {
					extra := 0
					if table == "activity" {
						extra = 1 // the restore itself
					}
					if skipInAccountBackup(table) {
						continue
					}
					if got[table] != n+extra {
						t.Errorf("%s: %d rows restored, %d in the source", table, got[table], n)
					}
				}
				actx := account.WithID(sys, demoID)
				if brk, _, err := dstDB.VerifyActivity(actx); err != nil || brk != nil {
					t.Fatalf("activity chain after restore: %v %v", brk, err)
				}
				refs, err := dstDB.AttachedFiles(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, f := range refs {
					if f.Account == demoID {
						if _, err := dst.Files.Get(f.Account, f.Checksum); err != nil {
							t.Fatalf("attached file after restore: %v", err)
						}
						found = true
					}
				}
				if !found {
					t.Fatal("the attached file was not restored")
				}
				// The restored owner has no password: they set one by reset.
				if _, _, err := dst.Login(context.Background(), login.Email, login.Password, demoID); err == nil {
					t.Fatal("the restored owner logged in with the old password: credentials left the source")
				}

				mid := tableCounts(t, dstDB)
				_, err = dst.RestoreAccount(sys, bytes.NewReader(file.Bytes()), []age.Identity{id})
				if err == nil || !strings.Contains(err.Error(), "already exists") {
					t.Fatalf("a second restore: %v", err)
				}
				if after := tableCounts(t, dstDB); !equalCounts(after, mid) {
					t.Fatalf("a refused restore changed rows: %v then %v", mid, after)
				}
				if before["accounts"] != 1 || mid["accounts"] != 2 {
					t.Fatalf("accounts: %d before, %d after", before["accounts"], mid["accounts"])
				}
			})
		}
	}
}

// skipInAccountBackup are the tables an account's backup leaves out.
func skipInAccountBackup(table string) bool {
	_, ok := storage.AccountDumpOmitted[table]
	return ok
}

type wrongPassphrase struct{}

func (*wrongPassphrase) Unwrap([]*age.Stanza) ([]byte, error) { return nil, age.ErrIncorrectIdentity }

func tableCounts(t *testing.T, db *storage.DB) map[string]int64 {
	t.Helper()
	c, err := db.TableCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func accountOfUser(t *testing.T, s *service.Service, email string) int64 {
	t.Helper()
	u, err := s.DB().UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.DB().Memberships(context.Background(), u.ID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("memberships of %s: %v", email, err)
	}
	return ms[0].AccountID
}

// TestAccountBackupRights: only the owner (or the operator) makes an
// account's backup, and a short passphrase is refused by field.
func TestAccountBackupRights(t *testing.T) {
	s := newService(t, storagetest.Open(t, storagetest.Engines()[0]))
	sys := access.AsSystem(context.Background())
	a, _, err := s.CreateAccount(sys, service.NewAccount{Account: account.New("Boutique"), OwnerEmail: "o@example.fr",
		OwnerPassword: "pass1234word", OwnerVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.AccountBackupRecipient("court"); len(errs.FieldsOf(err)) != 1 || errs.FieldsOf(err)[0].Code != "passphrase_too_short" {
		t.Fatalf("a short passphrase: %v", err)
	}
	rcp, _ := service.AccountBackupRecipient("une longue phrase secrète")
	rights, _ := access.Builtin(access.RoleManager)
	manager := access.WithRights(account.WithID(context.Background(), a.ID), rights)
	var out bytes.Buffer
	if _, err := s.ExportAccountBackup(manager, &out, []age.Recipient{rcp}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a manager made the account's backup: %v", err)
	}
	if out.Len() != 0 {
		t.Fatal("bytes were written before the refusal")
	}
	if _, err := s.RestoreAccount(manager, &out, nil); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a member restored an account: %v", err)
	}
}
