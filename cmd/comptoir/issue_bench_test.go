package main

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkAPIIssueInvoice measures issuing five-line invoices through the
// JSON API on loopback, with 8 clients at once: the drafts are written
// first, then each POST /api/v1/invoices/{id}/issue is timed. It reports
// issues per second; every issue takes the next number of one series, so
// they are serialised by design.
func BenchmarkAPIIssueInvoice(b *testing.B) {
	for _, e := range storagetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			a := startApp(b, e)
			A := a.mustTenant("Bench", "bench@example.fr")
			if r := a.api("PATCH", "/api/v1/account", A.Token, sellerIdentity); r.Status != 200 {
				b.Fatal(r.Body)
			}
			var client struct{ ID int64 }
			a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "company", "company_name": "Durand SARL", "siret": "55210055400013",
				"address": map[string]any{"line1": "1 place Bellecour", "postal_code": "69002", "city": "Lyon", "country": "FR"}}).JSON(b, &client)
			lines := []map[string]any{}
			for i := range 5 {
				lines = append(lines, map[string]any{"description": "Article " + itoa(int64(i)), "quantity": "2.5", "unit_price": 1990 + i, "vat_rate": "20"})
			}
			ids := make([]int64, b.N)
			for i := range ids {
				var d struct{ ID int64 }
				a.api("POST", "/api/v1/invoices", A.Token, map[string]any{"contact_id": client.ID, "lines": lines}).JSON(b, &d)
				ids[i] = d.ID
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range 8 {
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(len(ids)) {
							return
						}
						if r := a.api("POST", "/api/v1/invoices/"+itoa(ids[i])+"/issue", A.Token, nil); r.Status != 200 {
							b.Error(r.Status, r.Body)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "issues/s")
		})
	}
}
