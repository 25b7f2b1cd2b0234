package service_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkLogin measures a login with the production argon2id cost: the
// password check dominates, by design.
func BenchmarkLogin(b *testing.B) {
	db := storagetest.Open(b, storagetest.Engines()[0])
	s := newService(b, db)
	s.Password = password.Default
	ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
	for b.Loop() {
		if _, _, err := s.Login(ctx, "bench@example.fr", "pass1234word", 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequire measures the rights check alone.
func BenchmarkRequire(b *testing.B) {
	r, _ := access.Builtin(access.RoleSales)
	ctx := access.WithRights(context.Background(), r)
	for b.Loop() {
		if err := access.Require(ctx, access.Sales, access.Issue); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUserWrite compares a whole user write through the service
// (rights check, validation, diff, activity entry chained in the same
// transaction) with the bare storage update in a transaction.
func BenchmarkUserWrite(b *testing.B) {
	for _, e := range storagetest.Engines() {
		db := storagetest.Open(b, e)
		s := newService(b, db)
		ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
		label, iban := "Compte", "FR7630006000011234567890189"
		bank, err := s.CreateBankAccount(ctx, account.BankAccountInput{Label: &label, IBAN: &iban})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(e.Name+"/storage-only", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				bank.Label = fmt.Sprint("L", i)
				if err := db.WithTx(ctx, func(ctx context.Context) error { return db.UpdateBankAccount(ctx, &bank) }); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(e.Name+"/service", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				l := fmt.Sprint("S", i)
				if _, err := s.UpdateBankAccount(ctx, bank.ID, account.BankAccountInput{Label: &l}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImport imports a generated French spreadsheet of 10,000
// contacts into an account that already holds them once: the rows per
// second of an import, duplicate checks included (ns/op is per file).
func BenchmarkImport(b *testing.B) {
	const rows = 10000
	var file bytes.Buffer
	if err := demo.WriteContacts(&file, 1, rows); err != nil {
		b.Fatal(err)
	}
	for _, e := range storagetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			s := newService(b, storagetest.Open(b, e))
			for b.Loop() {
				b.StopTimer()
				ctx, _ := mustCreate(b, s, fmt.Sprintf("Bench %d", b.N), fmt.Sprintf("bench%d@example.fr", rand.Int()))
				b.StartTimer()
				rep, err := s.ImportContacts(ctx, bytes.NewReader(file.Bytes()), service.ImportOptions{})
				if err != nil || rep.Created != rows {
					b.Fatalf("%+v %v", rep.Created, err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
