package service_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkRetentionProspects measures a retention run over N expired
// prospects (COMPTOIR_BENCH_PROSPECTS, default 5,000) beside N/10 active
// clients, on every engine, while a member pages through the contact list
// in a loop (a page every 5 ms): it reports the run's seconds, prospects deleted per second,
// and the median and 99th percentile of the list page's time during the
// run. Try it with COMPTOIR_BENCH_PROSPECTS=1000000 -benchtime=1x.
func BenchmarkRetentionProspects(b *testing.B) {
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("COMPTOIR_BENCH_PROSPECTS")); err == nil && v > 0 {
		n = v
	}
	for _, e := range storagetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			db := storagetest.Open(b, e)
			s := newService(b, db)
			ctx, _ := mustCreate(b, s, "Grossiste", "owner@grossiste.example")
			var runs, deleted int
			var elapsed time.Duration
			var lists []time.Duration
			for b.Loop() {
				b.StopTimer()
				seedProspects(b, db, ctx, n)
				at(db, "2026-11-25")
				b.StartTimer()
				var wg sync.WaitGroup
				done := make(chan struct{})
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-done:
							return
						default:
						}
						start := time.Now()
						if _, err := s.Contacts(ctx, crm.Filter{Limit: 51}); err != nil {
							b.Error(err)
							return
						}
						lists = append(lists, time.Since(start))
						// A busy shop's members, not a load test: a page
						// every few milliseconds.
						time.Sleep(5 * time.Millisecond)
					}
				}()
				start := time.Now()
				run, err := s.RunRetention(ctx, db.Now(ctx), false)
				elapsed += time.Since(start)
				close(done)
				wg.Wait()
				if err != nil {
					b.Fatal(err)
				}
				got := privacy.Plan{Steps: run.Steps}.Count(privacy.Prospects, privacy.Delete, "contacts")
				if got != n {
					b.Fatalf("deleted %d prospects, want %d", got, n)
				}
				runs++
				deleted += got
			}
			b.ReportMetric(elapsed.Seconds()/float64(runs), "run-s")
			b.ReportMetric(float64(deleted)/elapsed.Seconds(), "prospects/s")
			if len(lists) > 0 {
				slices.Sort(lists)
				b.ReportMetric(float64(lists[len(lists)/2].Microseconds())/1000, "list-p50-ms")
				b.ReportMetric(float64(lists[len(lists)*99/100].Microseconds())/1000, "list-p99-ms")
				b.ReportMetric(float64(len(lists))/float64(runs), "lists/run")
			}
		})
	}
}

// seedProspects adds n prospects last seen in 2020 and n/10 clients seen
// now, in transactions of 10,000.
func seedProspects(b *testing.B, db *storage.DB, ctx context.Context, n int) {
	b.Helper()
	add := func(day string, count int, client bool) {
		at(db, day)
		for done := 0; done < count; {
			k := min(10000, count-done)
			cs := make([]crm.Contact, k)
			for i := range cs {
				id := strconv.Itoa(done + i)
				cs[i] = crm.Contact{Kind: crm.Person, FirstName: "Prénom" + id, LastName: "Nom" + id, Email: "p" + id + "@example.net",
					IsProspect: !client, IsClient: client, Tags: []string{}}
			}
			if err := db.WithTx(ctx, func(ctx context.Context) error { return db.CreateContacts(ctx, cs) }); err != nil {
				b.Fatal(err)
			}
			done += k
		}
	}
	add("2020-01-15", n, false)
	add("2026-11-25", n/10, true)
	// As an import does: the planner learns the table's new size.
	if err := db.RefreshContactStats(ctx); err != nil {
		b.Fatal(err)
	}
}
