package storage_test

import (
	"context"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkWrite measures one user write on each engine: a bank account
// update alone, and the same update with its activity entry in one
// transaction, which is what every write costs.
func BenchmarkWrite(b *testing.B) {
	for _, e := range storagetest.Engines() {
		db := storagetest.Open(b, e)
		a := account.New("Bench")
		if err := db.CreateAccount(context.Background(), &a); err != nil {
			b.Fatal(err)
		}
		ctx := account.WithID(context.Background(), a.ID)
		bank := account.BankAccount{Label: "x", IBAN: "FR7630006000011234567890189"}
		if err := db.CreateBankAccount(ctx, &bank); err != nil {
			b.Fatal(err)
		}
		b.Run(e.Name+"/update", func(b *testing.B) {
			for b.Loop() {
				if err := db.WithTx(ctx, func(ctx context.Context) error { return db.UpdateBankAccount(ctx, &bank) }); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(e.Name+"/update+activity", func(b *testing.B) {
			for b.Loop() {
				err := db.WithTx(ctx, func(ctx context.Context) error {
					if err := db.UpdateBankAccount(ctx, &bank); err != nil {
						return err
					}
					return db.AppendActivity(ctx, &activity.Entry{Module: "account", Action: "update", RecordType: "bank_account",
						RecordID: bank.ID, Changes: []activity.Change{{Field: "label", Before: "x", After: "y"}}})
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
