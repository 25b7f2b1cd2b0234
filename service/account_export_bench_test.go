package service_test

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func benchSize(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkExportAccount exports an account of COMPTOIR_BENCH_EXPORT_CONTACTS
// contacts (default 5,000) and COMPTOIR_BENCH_EXPORT_DOCUMENTS issued
// invoices (default 100) on each engine, and reports the ZIP's throughput
// (MB/s), its size, the PDFs rendered per second and the peak heap in use
// during the export, sampled every millisecond: what a big account costs
// in memory. Run with -benchtime=1x.
func BenchmarkExportAccount(b *testing.B) {
	contacts := benchSize("COMPTOIR_BENCH_EXPORT_CONTACTS", 5000)
	documents := benchSize("COMPTOIR_BENCH_EXPORT_DOCUMENTS", 100)
	for _, e := range storagetest.Engines() {
		b.Run(fmt.Sprintf("%s/contacts=%d/documents=%d", e.Name, contacts, documents), func(b *testing.B) {
			db := storagetest.Open(b, e)
			s := newService(b, db)
			ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
			at(db, "2026-03-02")
			client := sellerReady(b, s, ctx)
			var csv strings.Builder
			csv.WriteString("last_name;first_name;email;city;notes\n")
			for i := range contacts {
				fmt.Fprintf(&csv, "Nom%d;Prénom%d;p%d@example.fr;Lyon;Une note sur le client numéro %d\n", i, i, i, i)
			}
			if _, err := s.ImportContacts(ctx, strings.NewReader(csv.String()), service.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			for range documents {
				d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &client.ID, Title: ptr("Conseil"),
					Lines: lines(item("Conseil", 1000, 100000, 2000), item("Déplacement", 2000, 5000, 2000))})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Issue(ctx, d.ID); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
						runtime.ReadMemStats(&m)
						if m.HeapInuse > peak.Load() {
							peak.Store(m.HeapInuse)
						}
					}
				}
			}()
			var size int64
			var pdfs int
			start := time.Now()
			b.ResetTimer()
			for b.Loop() {
				stats, err := s.ExportAccount(ctx, io.Discard)
				if err != nil {
					b.Fatal(err)
				}
				size, pdfs = stats.Bytes, stats.PDFs
			}
			elapsed := time.Since(start)
			b.StopTimer()
			close(stop)
			<-done
			b.SetBytes(size)
			b.ReportMetric(float64(size)/1e6, "MB/export")
			b.ReportMetric(float64(pdfs*b.N)/elapsed.Seconds(), "pdf/s")
			if p := peak.Load(); p > base.HeapInuse {
				b.ReportMetric(float64(p-base.HeapInuse)/1e6, "MB-peak-heap")
			}
		})
	}
}
