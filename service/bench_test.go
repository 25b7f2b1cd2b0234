package service_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkLogin measures a login with the production argon2id cost: the
// password check dominates, by design.
func BenchmarkLogin(b *testing.B) {
	db := storagetest.Open(b, storagetest.Engines()[0])
	s := newService(nil, db)
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
		s := newService(nil, db)
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
