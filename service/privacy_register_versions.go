package service

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/pdf"
	"github.com/comptoir/comptoir/privacy"
)

// RegisterView is the effective register of the current account with what
// the checks find in it and the version it comes from (nil: never saved,
// the register is the generated one).
type RegisterView struct {
	Register privacy.Register  `json:"register"`
	Findings []privacy.Finding `json:"findings"`
	Version  *privacy.Version  `json:"version,omitempty"`
	Lang     string            `json:"-"`
}

// effectiveRegister is the generated register with the latest saved edits
// on top, the facts it was generated from, the generated register itself
// and the latest version (nil when none).
func (s *Service) effectiveRegister(ctx context.Context) (privacy.Register, privacy.Facts, privacy.Register, *privacy.Version, error) {
	gen, facts, err := s.generateRegister(ctx)
	if err != nil {
		return gen, facts, gen, nil, err
	}
	v, err := s.db.RegisterVersion(ctx, 0)
	if errs.Is(err, errs.NotFound) {
		return gen, facts, gen, nil, nil
	}
	if err != nil {
		return gen, facts, gen, nil, err
	}
	eff := privacy.Merge(gen, *v.Register, *v.Base)
	v.Register, v.Base = nil, nil
	return eff, facts, gen, &v, nil
}

// PrivacyRegister returns the current account's register of processing
// activities as it stands: generated from the system, with the users'
// edits on top, and the checks' findings.
func (s *Service) PrivacyRegister(ctx context.Context) (RegisterView, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return RegisterView{}, err
	}
	reg, facts, _, v, err := s.effectiveRegister(ctx)
	if err != nil {
		return RegisterView{}, errs.Wrap("service.PrivacyRegister", err)
	}
	policies, err := s.RetentionPolicies(ctx)
	if err != nil {
		return RegisterView{}, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return RegisterView{}, err
	}
	findings := privacy.Check(reg, policies, &facts)
	if findings == nil {
		findings = []privacy.Finding{}
	}
	return RegisterView{Register: reg, Findings: findings, Version: v, Lang: acc.Locale}, nil
}

// SaveRegister saves reg as the current account's register: a new
// version with its date and author (none when nothing changed: the
// version returned then has no id). Sheets whose content changed get
// today as their update date (new ones also as their creation date),
// unless the user set those dates themselves.
func (s *Service) SaveRegister(ctx context.Context, reg privacy.Register, note string) (privacy.Version, error) {
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return privacy.Version{}, err
	}
	return s.saveRegister(ctx, reg, note, true, -1)
}

// SaveRegisterOver is SaveRegister for an edit made on version basedOn (0:
// the register never saved): if someone saved another version since, it
// is refused as a conflict rather than silently undoing their changes.
func (s *Service) SaveRegisterOver(ctx context.Context, reg privacy.Register, note string, basedOn int64) (privacy.Version, error) {
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return privacy.Version{}, err
	}
	return s.saveRegister(ctx, reg, note, true, basedOn)
}

// ImportRegister reads a register from JSON (as the JSON export writes it)
// and saves it as a new version, dates as written.
func (s *Service) ImportRegister(ctx context.Context, r io.Reader) (privacy.Version, error) {
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return privacy.Version{}, err
	}
	reg, err := privacy.ImportRegister(r)
	if err != nil {
		return privacy.Version{}, err
	}
	return s.saveRegister(ctx, reg, "import", false, -1)
}

func (s *Service) saveRegister(ctx context.Context, reg privacy.Register, note string, stamp bool, basedOn int64) (privacy.Version, error) {
	reg.Normalize()
	if err := reg.Validate(); err != nil {
		return privacy.Version{}, err
	}
	var v privacy.Version
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// Two saves based on the same version must not both pass the check
		// below: the account's row lock makes the second wait and see the first.
		if err := s.db.LockAccount(ctx); err != nil {
			return err
		}
		before, _, gen, latest, err := s.effectiveRegister(ctx)
		if err != nil {
			return err
		}
		if basedOn >= 0 {
			current := int64(0)
			if latest != nil {
				current = latest.ID
			}
			if current != basedOn {
				return errs.E("service.SaveRegister", errs.Conflict, "someone saved the register meanwhile: reload it and make your change again")
			}
		}
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		if stamp {
			today := s.db.Now(ctx).In(acc.Location()).Format(time.DateOnly)
			stampDates(before, &reg, today)
		}
		changes := registerChanges(before, reg)
		if len(changes) == 0 && note != "import" {
			return nil // nothing changed: no new version
		}
		v = privacy.Version{UserID: identity.ActorFrom(ctx).UserID, Note: note, Register: &reg, Base: &gen}
		if err := s.db.CreateRegisterVersion(ctx, &v); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "privacy", Action: activity.Update, RecordType: "register",
			RecordID: v.ID, Summary: note, Changes: changes})
	})
	if err != nil {
		return privacy.Version{}, errs.Wrap("service.SaveRegister", err)
	}
	v.Base = nil
	return v, nil
}

// stampDates dates the sheets of after that differ from before.
func stampDates(before privacy.Register, after *privacy.Register, today string) {
	for i := range after.Activities {
		s := &after.Activities[i]
		old, ok := before.Sheet(s.Key)
		if !ok {
			if s.Created == "" {
				s.Created = today
			}
			if s.Updated == "" {
				s.Updated = today
			}
			continue
		}
		a, b := *old, *s
		a.Updated, b.Updated = "", ""
		if !reflect.DeepEqual(a, b) && s.Updated == old.Updated {
			s.Updated = today
		}
	}
}

// registerChanges lists what differs between two registers, field by
// field, sheets named by their keys.
func registerChanges(before, after privacy.Register) []activity.Change {
	var out []activity.Change
	prefixed := func(prefix string, cs []activity.Change) {
		for _, c := range cs {
			c.Field = prefix + c.Field
			out = append(out, c)
		}
	}
	if before.Title != after.Title {
		out = append(out, activity.Change{Field: "title", Before: before.Title, After: after.Title})
	}
	prefixed("controller.", activity.Diff(before.Controller, after.Controller))
	prefixed("dpo.", activity.Diff(before.DPO, after.DPO))
	if !reflect.DeepEqual(before.Preamble, after.Preamble) || !reflect.DeepEqual(before.Sections, after.Sections) {
		out = append(out, activity.Change{Field: "sections", Before: strconv.Itoa(len(before.Sections)), After: strconv.Itoa(len(after.Sections))})
	}
	for _, b := range before.Activities {
		a, ok := after.Sheet(b.Key)
		if !ok {
			out = append(out, activity.Change{Field: "activities." + b.Key, Before: b.Name})
			continue
		}
		prefixed("activities."+b.Key+".", activity.Diff(b, *a))
	}
	for _, a := range after.Activities {
		if _, ok := before.Sheet(a.Key); !ok {
			out = append(out, activity.Change{Field: "activities." + a.Key, After: a.Name})
		}
	}
	return out
}

// RegisterVersions lists the saved versions of the current account's
// register, newest first.
func (s *Service) RegisterVersions(ctx context.Context) ([]privacy.Version, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	return s.db.ListRegisterVersions(ctx, 500)
}

// RegisterVersion returns one saved version with its register.
func (s *Service) RegisterVersion(ctx context.Context, id int64) (privacy.Version, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return privacy.Version{}, err
	}
	if id <= 0 {
		return privacy.Version{}, errs.E("service.RegisterVersion", errs.NotFound, "not found")
	}
	v, err := s.db.RegisterVersion(ctx, id)
	v.Base = nil
	return v, err
}

// Export is a file made for download.
type Export struct {
	Data        []byte
	ContentType string
	Filename    string
}

// ExportFormats are the formats of ExportRegister.
var ExportFormats = []string{"pdf", "md", "json"}

// ExportRegister writes the current account's register (or one saved
// version of it, versionID > 0) as PDF, Markdown or JSON, and records the
// export in the activity log.
func (s *Service) ExportRegister(ctx context.Context, format string, versionID int64) (Export, error) {
	const op = "service.ExportRegister"
	if err := access.Require(ctx, access.Privacy, access.Export); err != nil {
		return Export{}, err
	}
	var reg privacy.Register
	if versionID > 0 {
		v, err := s.db.RegisterVersion(ctx, versionID)
		if err != nil {
			return Export{}, err
		}
		reg = *v.Register
	} else {
		var err error
		if reg, _, _, _, err = s.effectiveRegister(ctx); err != nil {
			return Export{}, errs.Wrap(op, err)
		}
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return Export{}, err
	}
	out, err := RenderRegister(reg, format, acc.Locale, s.db.Now(ctx))
	if err != nil {
		return Export{}, err
	}
	// Named by the day it was made and, for a past version, its number:
	// an auditor keeps several side by side.
	name := "registre-" + s.db.Now(ctx).In(acc.Location()).Format(time.DateOnly)
	if versionID > 0 {
		name += "-v" + strconv.FormatInt(versionID, 10)
	}
	out.Filename = name + out.Filename
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		summary := format
		if versionID > 0 {
			summary += " v" + strconv.FormatInt(versionID, 10)
		}
		return s.record(ctx, activity.Entry{Module: "privacy", Action: "export", RecordType: "register",
			RecordID: versionID, Summary: summary})
	})
	return out, errs.Wrap(op, err)
}

// RenderRegister writes reg in format ("pdf", "md" or "json") with the
// labels of lang. Filename is only the extension.
func RenderRegister(reg privacy.Register, format, lang string, now time.Time) (Export, error) {
	switch format {
	case "json":
		b, err := jsonIndent(reg)
		return Export{Data: b, ContentType: "application/json", Filename: ".json"}, err
	case "md":
		return Export{Data: []byte(privacy.Markdown(privacy.Outline(reg, lang))), ContentType: "text/markdown; charset=utf-8", Filename: ".md"}, nil
	case "pdf":
		title := reg.Title
		if title == "" {
			title = privacy.DefaultTitle(reg, lang)
		}
		b, err := reportPDF(title, reg.Controller.Organisation, privacy.Outline(reg, lang), lang, now)
		return Export{Data: b, ContentType: "application/pdf", Filename: ".pdf"}, err
	}
	var f errs.Fields
	f.Add("format", "invalid", "the format is pdf, md or json")
	return Export{}, f.Err("service.RenderRegister")
}

// reportPDF renders blocks with the pdf package's report layout.
func reportPDF(title, author string, blocks []privacy.Block, lang string, now time.Time) ([]byte, error) {
	rep := pdf.Report{Title: title, Author: author, Footer: title}
	for _, b := range blocks {
		rep.Blocks = append(rep.Blocks, pdf.Block{Kind: b.Kind, Label: b.Label, Text: b.Text, Items: b.Items, Rows: b.Rows, Head: b.Head})
	}
	var buf bytes.Buffer
	if err := pdf.RenderReport(&buf, rep, pdf.Options{Locale: lang, Created: now}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RegisterChecks returns the findings of the checks on the current
// account's register.
func (s *Service) RegisterChecks(ctx context.Context) ([]privacy.Finding, error) {
	v, err := s.PrivacyRegister(ctx)
	return v.Findings, err
}

func jsonIndent(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	return append(b, '\n'), err
}
