package service_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkIssueInvoice measures issuing a five-line invoice: the draft is
// written, then issued (legal checks, a number from the series, the frozen
// state and the activity entry, in one transaction). Reported per issue:
// the draft's creation is timed apart.
func BenchmarkIssueInvoice(b *testing.B) {
	for _, e := range storagetest.Engines() {
		db := storagetest.Open(b, e)
		s := newService(b, db)
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

// BenchmarkAttachFile measures attaching a 1 MiB scanned bill: the file
// hashed and written beside the database (synced, renamed into place),
// then its record and activity entry in one transaction.
func BenchmarkAttachFile(b *testing.B) {
	scan := append([]byte("%PDF-1.7\n"), make([]byte, 1<<20-9)...)
	for _, e := range storagetest.Engines() {
		s := newService(b, storagetest.Open(b, e))
		ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
		sellerReady(b, s, ctx)
		sup := supplier(b, s, ctx)
		bill, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Bill), ContactID: &sup.ID, Lines: lines(item("Frais", 1000, 500, 2000))})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(e.Name, func(b *testing.B) {
			b.SetBytes(int64(len(scan)))
			i := 0
			for b.Loop() {
				i++
				scan[len(scan)-1] = byte(i) // a new file each time, not one kept once
				scan[len(scan)-2] = byte(i >> 8)
				if _, err := s.AttachFile(ctx, bill.ID, "scan.pdf", bytes.NewReader(scan)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToPay measures the "to pay" list of 200 open bills, each made
// from its own purchase order and receipt and matched against them.
func BenchmarkToPay(b *testing.B) {
	for _, e := range storagetest.Engines() {
		s := newService(b, storagetest.Open(b, e))
		ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
		sellerReady(b, s, ctx)
		sup := supplier(b, s, ctx)
		for i := range 200 {
			po, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &sup.ID,
				Lines: lines(item("Farine", 10_000, 120, 550), item("Sucre", 5_000, 200, 550))})
			if err == nil {
				_, err = s.Issue(ctx, po.ID)
			}
			var r, bill sales.Document
			if err == nil {
				r, err = s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt})
			}
			if err == nil {
				_, err = s.Issue(ctx, r.ID)
			}
			if err == nil {
				bill, err = s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Bill, Received: true})
			}
			if err == nil {
				_, err = s.UpdateDocument(ctx, bill.ID, sales.Input{SupplierNumber: ptr(fmt.Sprint("F-", i)), IssueDate: ptr(time.Now().Format(time.DateOnly))})
			}
			if err == nil {
				_, err = s.Issue(ctx, bill.ID)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.Run(e.Name, func(b *testing.B) {
			for b.Loop() {
				if l, err := s.ToPay(ctx); err != nil || len(l.Bills) != 200 {
					b.Fatal(len(l.Bills), err)
				}
			}
		})
	}
}
