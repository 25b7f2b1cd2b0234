package service_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// BenchmarkRegisterRender measures the exports of seed 000's register.
func BenchmarkRegisterRender(b *testing.B) {
	raw, err := os.ReadFile("../privacy/testdata/seed000.json")
	if err != nil {
		b.Fatal(err)
	}
	reg, err := privacy.ImportRegister(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range service.ExportFormats {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if _, err := service.RenderRegister(reg, format, "fr", time.Time{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPrivacyRegister measures the register page's work: generate
// from the system, merge the latest version, check, on each engine.
func BenchmarkPrivacyRegister(b *testing.B) {
	for _, e := range storagetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			s := newService(b, storagetest.Open(b, e))
			ctx, _ := mustCreate(b, s, "Bench", "bench@example.fr")
			v, err := s.PrivacyRegister(ctx)
			if err != nil {
				b.Fatal(err)
			}
			v.Register.DPO.LastName = "Martin"
			if _, err := s.SaveRegister(ctx, v.Register, "bench"); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.PrivacyRegister(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
