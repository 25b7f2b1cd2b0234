package service_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/storage"
)

// typed is what a user types, letter by letter, in the contact search:
// each prefix is one request of search-as-you-type.
var typed = []string{"helene", "dupre", "bayonne", "jer lef", "06 12", "zzz", "épicerie martin", "anglet bio"}

// BenchmarkScaleSearch measures search-as-you-type and list pages on a
// database filled by `comptoir demo --contacts 1000000 --other-accounts
// 100`: COMPTOIR_BENCH_DATA names its SQLite data directory, or
// COMPTOIR_BENCH_DATABASE_URL its PostgreSQL database. It reports the
// median and the 99th percentile of every request's time.
func BenchmarkScaleSearch(b *testing.B) {
	opts := storage.Options{DataDir: os.Getenv("COMPTOIR_BENCH_DATA"), URL: os.Getenv("COMPTOIR_BENCH_DATABASE_URL")}
	if opts.DataDir == "" && opts.URL == "" {
		b.Skip("set COMPTOIR_BENCH_DATA or COMPTOIR_BENCH_DATABASE_URL to a database filled by comptoir demo --contacts")
	}
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	s := newService(b, db)
	id, err := s.AccountIDByOwner(context.Background(), demo.Email)
	if err != nil {
		b.Fatal(err)
	}
	ctx := access.AsSystem(account.WithID(context.Background(), id))
	run := func(b *testing.B, filters []crm.Filter) {
		var times []time.Duration
		for b.Loop() {
			for _, f := range filters {
				start := time.Now()
				if _, err := s.Contacts(ctx, f); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(times))/float64(b.N), "requests/op")
	}
	b.Run("as-you-type", func(b *testing.B) {
		var fs []crm.Filter
		for _, word := range typed {
			for i := range []rune(word) {
				fs = append(fs, crm.Filter{Query: string([]rune(word)[:i+1]), Limit: 51})
			}
		}
		run(b, fs)
	})
	b.Run("list-pages", func(b *testing.B) {
		fs := []crm.Filter{{}, {Role: "client"}, {Sort: crm.SortNewest}, {City: "Pau"}, {Tag: "bio"},
			{AfterKey: "martin", AfterID: 1}, {Role: "supplier", AfterKey: "n", AfterID: 1}}
		for i := range fs {
			fs[i].Limit = 51
		}
		run(b, fs)
	})
	b.Run("export", func(b *testing.B) {
		// The clients of two cities: about a tenth of the account.
		rows := 0
		for b.Loop() {
			for _, city := range []string{"Bayonne", "Pau"} {
				n, err := s.ExportContacts(ctx, crm.Filter{City: city, Role: "client"}, func(c crm.Contact) error {
					_ = c.Row()
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				rows += n
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}
