package service

import (
	"bytes"
	"context"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/pdf"
	"github.com/comptoir/comptoir/privacy"
)

// ErasureReport returns the report of a request's erasure.
func (s *Service) ErasureReport(ctx context.Context, id int64) (privacy.Report, error) {
	const op = "service.ErasureReport"
	r, err := s.PrivacyRequest(ctx, id)
	if err != nil {
		return privacy.Report{}, err
	}
	if r.Report == nil {
		return privacy.Report{}, errs.E(op, errs.NotFound, "this request has no erasure report: nothing was erased for it yet")
	}
	return *r.Report, nil
}

// ErasureReportPDF renders the report of a request's erasure, in the
// account's language: each record, what was done and why, and until when
// a legal hold keeps it.
func (s *Service) ErasureReportPDF(ctx context.Context, id int64) ([]byte, error) {
	const op = "service.ErasureReportPDF"
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	rep, err := s.ErasureReport(ctx, id)
	if err != nil {
		return nil, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	st, err := s.db.SalesSettings(ctx)
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	lang := acc.Locale
	if lang != "en" {
		lang = "fr"
	}
	w := reportWords[lang]
	sum := pdf.Summary{Title: w["title"], Number: strconv.FormatInt(id, 10),
		Facts:      [][2]string{{w["date"], rep.At.In(acc.Location()).Format(time.DateOnly)}},
		Controller: pdf.Party{Title: w["controller"], Name: sellerName(acc), Lines: addressLines(acc.Address)},
		Intro:      []string{w["intro"]},
		Columns: []pdf.Column{{Title: w["table"], Width: 2.2}, {Title: w["record"], Width: 1.8}, {Title: w["count"], Width: 1.2, Align: "R"},
			{Title: w["outcome"], Width: 1.6}, {Title: w["reason"], Width: 4.5}, {Title: w["until"], Width: 1.8}},
		Notes: []string{w["hold"]},
	}
	var sec pdf.SummarySection
	for _, l := range rep.Lines {
		sec.Rows = append(sec.Rows, []string{summaryWords[lang]["t_"+l.Table], l.Record, strconv.Itoa(l.Count),
			w["o_"+string(l.Outcome)], reasonText(l.Reason, lang), l.Until})
	}
	sum.Sections = []pdf.SummarySection{sec}
	var buf bytes.Buffer
	err = pdf.RenderSummary(&buf, sum, pdf.Options{Layout: st.Layout, Accent: st.Accent, Locale: lang, Created: rep.At})
	return buf.Bytes(), errs.Wrap(op, err)
}

// reasonText translates the reasons an erasure gives.
func reasonText(reason, lang string) string {
	if lang != "fr" {
		return reason
	}
	if fr, ok := map[string]string{
		privacy.ReasonErased:      "données personnelles effacées à la demande de la personne ou au terme de leur durée de conservation",
		privacy.ReasonHold:        "pièce comptable : conservée 10 ans (Code de commerce L123-22), accès restreint",
		privacy.ReasonChain:       "origine d'une pièce comptable : conservée avec elle, accès restreint",
		privacy.ReasonLog:         "entrée du journal d'activité : le texte sur la personne retiré, l'entrée gardée dans sa chaîne",
		privacy.ReasonMinimised:   "gardée seulement comme partie de pièces sous obligation légale de conservation, tous les autres champs vidés",
		privacy.ReasonPayment:     "règlement : pièce comptable conservée 10 ans, accès restreint",
		privacy.ReasonMailLog:     "journal des e-mails : l'adresse et l'objet retirés",
		privacy.ReasonReplayCache: "réponse d'API mémorisée qui nommait la personne",
		privacy.ReasonSavedView:   "recherche enregistrée qui nommait la personne",
	}[reason]; ok {
		return fr
	}
	return reason
}

var reportWords = map[string]map[string]string{
	"fr": {"title": "RAPPORT D'EFFACEMENT", "date": "Effacement du", "controller": "Responsable du traitement",
		"intro": "Pour chaque enregistrement : ce qui a été fait et pourquoi. Les données effacées ne peuvent pas être restaurées.",
		"table": "Données", "record": "Enregistrement", "count": "Nombre", "outcome": "Traitement", "reason": "Motif", "until": "Conservé jusqu'au",
		"o_deleted": "supprimé", "o_anonymised": "anonymisé", "o_redacted": "expurgé", "o_kept": "conservé",
		"hold": "Les pièces conservées le sont au titre d'une obligation légale (RGPD art. 17(3)(b)) ; elles ne sont visibles que des personnes habilitées à la protection des données et seront supprimées à la date indiquée. La preuve du traitement de la demande est conservée pendant la prescription (5 ans)."},
	"en": {"title": "ERASURE REPORT", "date": "Erased on", "controller": "Controller",
		"intro": "For each record: what was done and why. Erased data cannot be restored.",
		"table": "Data", "record": "Record", "count": "Count", "outcome": "Outcome", "reason": "Reason", "until": "Kept until",
		"o_deleted": "deleted", "o_anonymised": "anonymised", "o_redacted": "redacted", "o_kept": "kept",
		"hold": "Records kept are kept under a legal obligation (GDPR Art. 17(3)(b)); only those entrusted with data protection see them, and they will be deleted on the date shown. The proof that the request was handled is kept for the limitation period (5 years)."},
}
