package service_test

import (
	"testing"

	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkIssueInvoice measures issuing a five-line invoice: the draft is
// written, then issued (legal checks, a number from the series, the frozen
// state and the activity entry, in one transaction). Reported per issue:
// the draft's creation is timed apart.
func BenchmarkIssueInvoice(b *testing.B) {
	for _, e := range storagetest.Engines() {
		db := storagetest.Open(b, e)
		s := newService(nil, db)
		ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
		c := sellerReady(b, s, ctx)
		in := sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Lines: lines(
			item("Café", 2500, 2490, 550), item("Thé", 1000, 1290, 550), item("Huile", 3000, 990, 550),
			item("Livraison", 1000, 1500, 2000), item("Conseil", 1500, 6000, 2000))}
		b.Run(e.Name+"/create", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.CreateDocument(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(e.Name+"/create+issue", func(b *testing.B) {
			for b.Loop() {
				d, err := s.CreateDocument(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Issue(ctx, d.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
