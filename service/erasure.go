package service

import (
	"context"
	"fmt"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
)

// EraseContact erases a person from the current account, as the personal
// data declaration says (privacy.Fields): what may go goes, accounting
// records stay under their legal hold with restricted access, the activity
// log keeps its entries without the text about the person. why says what
// asked for it ("data-subject request #3", "retention: prospects") and is
// written in the log, which never names the person. The report lists each
// record and what was done to it.
func (s *Service) EraseContact(ctx context.Context, id int64, why string) (privacy.Report, error) {
	const op = "service.EraseContact"
	if err := access.Require(ctx, access.Privacy, access.Delete); err != nil {
		return privacy.Report{}, err
	}
	var report privacy.Report
	var files []string
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		report, files, err = s.eraseContact(ctx, id, why)
		return err
	})
	if err != nil {
		return privacy.Report{}, errs.Wrap(op, err)
	}
	s.removeUnused(ctx, files)
	return report, nil
}

// eraseContact is EraseContact in the caller's transaction; the caller
// removes the returned files once it commits.
func (s *Service) eraseContact(ctx context.Context, id int64, why string) (privacy.Report, []string, error) {
	er, err := s.db.EraseContact(ctx, id)
	if err != nil {
		return privacy.Report{}, nil, err
	}
	summary := fmt.Sprintf("contact #%d erased (%s): %d deleted, %d anonymised, %d log entries redacted, %d kept under a legal hold",
		id, why, er.Report.Count(privacy.Deleted), er.Report.Count(privacy.Anonymised),
		er.Report.Count(privacy.Redacted), er.Report.Count(privacy.Kept))
	return er.Report, er.Files, s.recordErasure(ctx, "erase", id, summary, er.Log)
}

// recordErasure writes an erasure's activity entry, which names nobody and
// pins the entries about the erased it lists, then empties those entries.
func (s *Service) recordErasure(ctx context.Context, action string, recordID int64, summary string, log []storage.LogEntry) error {
	pin, err := s.db.PinOf(ctx, log)
	if err != nil {
		return err
	}
	entry, err := s.recordEntry(ctx, activity.Entry{Module: string(access.Privacy), Action: action, RecordType: "erasure",
		RecordID: recordID, Summary: summary, Changes: []activity.Change{{Field: privacy.RedactionField, After: pin}}})
	if err != nil {
		return err
	}
	return s.db.RedactActivity(ctx, log, entry)
}

// removeUnused deletes from the file store the contents no attachment of
// the account refers to any more. A failure is logged: the content stays
// until the retention sweep.
func (s *Service) removeUnused(ctx context.Context, checksums []string) {
	acc, err := account.IDFrom(ctx)
	if err != nil {
		return
	}
	for _, sum := range checksums {
		used, err := s.db.ChecksumInUse(ctx, sum)
		if err == nil && !used {
			err = s.Files.Delete(acc, sum)
		}
		if err != nil {
			s.log.Warn("remove an erased file", "account", acc, "err", err)
		}
	}
}
