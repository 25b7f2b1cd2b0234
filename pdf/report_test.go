package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func report(n int) Report {
	r := Report{Title: "Registre des activités de traitement de Fleurs SARL", Author: "Fleurs SARL", Footer: "Registre — Fleurs SARL",
		Blocks: []Block{{Kind: BlockTitle, Text: "Registre des activités de traitement de Fleurs SARL"},
			{Kind: BlockHeading, Text: "Coordonnées du responsable de l'organisme"},
			{Kind: BlockField, Label: "Nom", Text: "Martin"},
			{Kind: BlockTable, Head: [2]string{"Activités", "Désignation des activités"}, Rows: [][2]string{{"Activité 1", "Gestion commerciale"}}}}}
	for i := range n {
		r.Blocks = append(r.Blocks,
			Block{Kind: BlockSheet, Text: fmt.Sprintf("Fiche de registre de l'activité %d – Gestion", i+1)},
			Block{Kind: BlockField, Label: "Nom du responsable conjoint du traitement (dans le cas où la responsabilité de ce traitement de donnée est partagée avec un autre organisme)", Text: "-"},
			Block{Kind: BlockSub, Text: "Objectifs poursuivis"},
			Block{Kind: BlockHint, Text: "Décrivez clairement l'objet du traitement."},
			Block{Kind: BlockPara, Text: strings.Repeat("Un paragraphe assez long pour passer à la ligne plusieurs fois. ", 12)},
			Block{Kind: BlockList, Items: []string{"Devis", "Factures", strings.Repeat("Relances ", 30)}},
			Block{Kind: BlockNumbered, Label: "Sous-traitants", Items: []string{"OVH, hébergeur", "Ωμέγα Дмитрий"}})
	}
	return r
}

func TestRenderReport(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderReport(&buf, report(3), Options{Locale: "fr", Created: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	file := write(t, "report.pdf", buf.Bytes())
	check(t, file)
	all := strings.Join(strings.Fields(text(t, file, 0, 0)), " ")
	for _, want := range []string{"Registre des activités de traitement de Fleurs SARL", "Fiche de registre de l'activité 3 – Gestion",
		"Ωμέγα Дмитрий", "Page 1/4", "Page 4/4", "2. Ωμέγα"} {
		if !strings.Contains(all, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	// Each sheet starts a page.
	if p2 := text(t, file, 2, 2); !strings.Contains(p2, "activité 1") || strings.Contains(p2, "activité 2") {
		t.Errorf("page 2: %s", p2)
	}
	var en bytes.Buffer
	if err := RenderReport(&en, Report{Title: "x"}, Options{Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text(t, write(t, "empty.pdf", en.Bytes()), 0, 0), "Page 1 of 1") {
		t.Error("an empty report is not one English page")
	}
	if err := RenderReport(&bytes.Buffer{}, Report{}, Options{Locale: "de"}); err == nil {
		t.Error("unknown locale accepted")
	}
}

func FuzzRenderReport(f *testing.F) {
	f.Add("Registre", "\x00\xff\n\r\t", "😀 中文 عربى", 3)
	f.Add("", strings.Repeat("x", 600), "{nb} (paren) \\", 0)
	f.Fuzz(func(t *testing.T, title, text, item string, n int) {
		cut := func(s string) string { return s[:min(len(s), 2000)] }
		title, text, item = cut(title), cut(text), cut(item)
		r := report(min(max(n, 0), 5))
		r.Title, r.Footer = title, text
		for _, k := range []string{BlockTitle, BlockHeading, BlockSheet, BlockSub, BlockHint, BlockField, BlockPara, "unknown"} {
			r.Blocks = append(r.Blocks, Block{Kind: k, Label: item, Text: text})
		}
		r.Blocks = append(r.Blocks, Block{Kind: BlockList, Label: title, Items: []string{item, text}},
			Block{Kind: BlockTable, Head: [2]string{title, item}, Rows: [][2]string{{text, item}}})
		var buf bytes.Buffer
		if err := RenderReport(&buf, r, Options{}); err != nil {
			t.Fatalf("RenderReport: %v", err)
		}
		if !sane(buf.Bytes()) {
			t.Fatal("output is not a PDF")
		}
	})
}
