package storage_test

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkInvoiceListScale fills one account with COMPTOIR_BENCH_INVOICES
// invoices (a million for the published figures) across 1,000 clients, a
// tenth of them unpaid, and measures the invoice list as screens ask for
// it: the first page, pages deep in the keyset, unpaid and overdue
// filters, a number typed in the search box, one client's invoices. It
// reports the median and 99th percentile of each request.
func BenchmarkInvoiceListScale(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("COMPTOIR_BENCH_INVOICES"))
	if n == 0 {
		b.Skip("set COMPTOIR_BENCH_INVOICES to the number of invoices to generate")
	}
	for _, e := range storagetest.Engines() {
		db, raw := storagetest.OpenWithRaw(b, e)
		ctx, a := mustAccount(b, db, "Scale")
		var first int64
		for i := range 1000 {
			c := crm.Contact{Kind: crm.Company, CompanyName: "Client " + strconv.Itoa(i)}
			if err := db.CreateContact(ctx, &c); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				first = c.ID
			}
		}
		start := time.Now()
		fillInvoices(b, raw, e.Name, a.ID, first, n)
		b.Logf("%s: %d invoices generated in %s", e.Name, n, time.Since(start).Round(time.Second))
		var recent []sales.Document
		recent, _ = db.ListDocuments(ctx, sales.Filter{Limit: 1})
		top := recent[0].ID
		invoices := []string{sales.Invoice, sales.Deposit}
		cases := map[string]func(i int) sales.Filter{
			"first-page": func(int) sales.Filter { return sales.Filter{Kinds: invoices, Limit: 50} },
			"deep-page": func(i int) sales.Filter {
				return sales.Filter{Kinds: invoices, Limit: 50, AfterID: top - int64(i*7919%n)}
			},
			"unpaid": func(int) sales.Filter { return sales.Filter{Kinds: invoices, Status: "unpaid", Limit: 50} },
			"overdue": func(int) sales.Filter {
				return sales.Filter{Kinds: invoices, Status: sales.Overdue, Today: "2026-11-25", Limit: 50}
			},
			"number": func(i int) sales.Filter {
				return sales.Filter{Kinds: invoices, Query: "F-2024-0" + strconv.Itoa(i%10), Limit: 50}
			},
			"counter": func(i int) sales.Filter {
				return sales.Filter{Kinds: invoices, Query: strconv.Itoa(1000 + i%9000), Limit: 50}
			},
			"client": func(i int) sales.Filter {
				return sales.Filter{Kinds: invoices, ContactID: first + int64(i%1000), Limit: 50}
			},
		}
		for _, name := range []string{"first-page", "deep-page", "unpaid", "overdue", "number", "counter", "client"} {
			b.Run(e.Name+"/"+name, func(b *testing.B) {
				var times []time.Duration
				i := 0
				for b.Loop() {
					i++
					t0 := time.Now()
					if _, err := db.ListDocuments(ctx, cases[name](i)); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(t0))
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}

// fillInvoices writes n issued invoices in one statement, dated over six
// years so that numbers and dates look like a real series.
func fillInvoices(b *testing.B, raw *sql.DB, engine string, acc, firstContact int64, n int) {
	cols := `INSERT INTO documents (account_id, kind, series, status, number, contact_id, buyer, issue_date, delivery_date,
		due_date, payment_terms, locale, currency, net_total, vat_total, gross_total, paid, created_at, updated_at, issued_at) `
	var q string
	if engine == "sqlite" {
		q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) ` + cols + `
		SELECT $2, CASE WHEN i % 20 = 0 THEN 'deposit' ELSE 'invoice' END, 'invoice',
			CASE i % 10 WHEN 0 THEN 'issued' WHEN 1 THEN 'partially_paid' ELSE 'paid' END,
			'F-' || (2020 + i * 6 / $1) || '-' || printf('%07d', i), $3 + i % 1000, '{"name":"Client"}',
			date('2020-01-01', '+' || (i * 2190 / $1) || ' days'), date('2020-01-01', '+' || (i * 2190 / $1) || ' days'),
			date('2020-01-31', '+' || (i * 2190 / $1) || ' days'), '30', 'fr', 'EUR', 10000 + i % 5000, 2000, 12000 + i % 5000,
			CASE i % 10 WHEN 0 THEN 0 WHEN 1 THEN 5000 ELSE 12000 + i % 5000 END, $4, $4, $4 FROM n`
	} else {
		q = cols + `SELECT $2, CASE WHEN i % 20 = 0 THEN 'deposit' ELSE 'invoice' END, 'invoice',
			CASE i % 10 WHEN 0 THEN 'issued' WHEN 1 THEN 'partially_paid' ELSE 'paid' END,
			'F-' || (2020 + i * 6 / $1) || '-' || lpad(i::text, 7, '0'), $3 + i % 1000, '{"name":"Client"}',
			to_char(date '2020-01-01' + (i * 2190 / $1)::int, 'YYYY-MM-DD'), to_char(date '2020-01-01' + (i * 2190 / $1)::int, 'YYYY-MM-DD'),
			to_char(date '2020-01-31' + (i * 2190 / $1)::int, 'YYYY-MM-DD'), '30', 'fr', 'EUR', 10000 + i % 5000, 2000, 12000 + i % 5000,
			CASE i % 10 WHEN 0 THEN 0 WHEN 1 THEN 5000 ELSE 12000 + i % 5000 END, $4::timestamptz, $4::timestamptz, $4::timestamptz
			FROM generate_series(1::bigint, $1::bigint) i`
	}
	if _, err := raw.ExecContext(context.Background(), q, n, acc, firstContact, time.Now().UTC()); err != nil {
		b.Fatal(err)
	}
	if _, err := raw.ExecContext(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}
