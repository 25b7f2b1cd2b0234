package service_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkLookupAndExport measures a data subject's access request on a
// big account: the lookup of one person by e-mail, name and phone, and the
// ZIP of everything held on them, when they have 1,000 issued invoices
// (COMPTOIR_BENCH_PERSON_DOCS) among COMPTOIR_BENCH_CONTACTS contacts
// (default 2,000; the figure asked for is 1,000,000, imported once per
// engine, which takes minutes).
func BenchmarkLookupAndExport(b *testing.B) {
	contacts := envInt("COMPTOIR_BENCH_CONTACTS", 2000)
	docs := envInt("COMPTOIR_BENCH_PERSON_DOCS", 1000)
	for _, e := range storagetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			s := newService(b, storagetest.Open(b, e))
			ctx, _ := mustCreate(b, s, "Grande épicerie", "owner@grande.example")
			sellerReady(b, s, ctx)
			start := time.Now()
			var file bytes.Buffer
			if err := demo.WriteContacts(&file, 7, contacts); err != nil {
				b.Fatal(err)
			}
			if rep, err := s.ImportContacts(ctx, &file, service.ImportOptions{}); err != nil || rep.Created == 0 {
				b.Fatalf("import: %+v %v", rep.Created, err)
			}
			c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), FirstName: ptr("Philomène"), LastName: ptr("Grandcompte"),
				Email: ptr("philomene.grandcompte@example.net"), Phone: ptr("06 55 44 33 22"), IsClient: ptr(true),
				Address: &account.Address{Line1: "4 quai des Gros Volumes", PostalCode: "33000", City: "Bordeaux", Country: "FR"}})
			if err != nil {
				b.Fatal(err)
			}
			for i := range docs {
				d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Title: ptr("Commande " + strconv.Itoa(i)),
					Lines: lines(item("Café en grains", 2000, 1450, 550), item("Thé vert", 1000, 990, 550))})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Issue(ctx, d.ID); err != nil {
					b.Fatal(err)
				}
			}
			r, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: ptr(privacy.AccessRequest), Name: ptr("Philomène Grandcompte"),
				Email: ptr("philomene.grandcompte@example.net"), Channel: ptr("email")})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.LinkRequestContact(ctx, r.ID, c.ID, true); err != nil {
				b.Fatal(err)
			}
			if _, err := s.VerifyRequestOtherwise(ctx, r.ID, "bench"); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d contacts, %d documents for the person, set up in %s", e.Name, contacts+1, docs, time.Since(start).Round(time.Second))
			b.Run("lookup", func(b *testing.B) {
				for b.Loop() {
					for _, q := range []string{"philomene.grandcompte@example.net", "Grandcompte", "06 55 44 33 22"} {
						l, err := s.LookupPerson(ctx, q)
						if err != nil || len(l.Contacts) != 1 {
							b.Fatalf("%q: %v %d", q, err, len(l.Contacts))
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/3, "ms/lookup")
			})
			b.Run("export", func(b *testing.B) {
				var size int
				for b.Loop() {
					var w countWriter
					if err := s.ExportForRequest(context.WithoutCancel(ctx), r.ID, &w); err != nil {
						b.Fatal(err)
					}
					size = int(w)
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/export")
				b.ReportMetric(float64(size)/1e6, "MB/zip")
			})
		})
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

var _ io.Writer = (*countWriter)(nil)
