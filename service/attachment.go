package service

import (
	"context"
	"errors"
	"io"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/sales"
)

// MaxAttachment is the largest file attached to a document: a scanned
// bill of a few pages, a phone photo.
const MaxAttachment = 10 << 20

// AttachFile keeps a file (PDF, PNG or JPEG, recognised by its content)
// and attaches it to a document: the original of a supplier's bill or
// quote, a delivery slip. name is only a label. The file is written
// before the transaction (content-addressed, so a rolled-back attachment
// leaves at most an unreferenced copy) and never parsed.
func (s *Service) AttachFile(ctx context.Context, documentID int64, name string, r io.Reader) (sales.Attachment, error) {
	const op = "service.AttachFile"
	var a sales.Attachment
	d, err := reach(ctx, s.db.DocumentHead, documentID, access.Edit)
	if err != nil {
		return a, errs.Wrap(op, err)
	}
	if !d.Purchase() {
		return a, errs.E(op, errs.Invalid, "files are attached to purchase documents: a supplier's quote or bill, a purchase order, a receipt")
	}
	if s.Files.Dir == "" {
		return a, errs.E(op, errs.Unavailable, "no directory is configured for attached files")
	}
	acc, err := account.IDFrom(ctx)
	if err != nil {
		return a, err
	}
	st, err := s.Files.Put(acc, r, MaxAttachment)
	if err != nil {
		return a, fileError(op, err)
	}
	a = sales.Attachment{DocumentID: documentID, Name: files.DisplayName(name, st.MediaType), MediaType: st.MediaType,
		Size: st.Size, Checksum: st.Checksum, CreatedBy: identity.ActorFrom(ctx).UserID}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		d, err := s.reachableDocument(ctx, documentID, access.Edit, true)
		if err != nil {
			return err
		}
		if err := s.db.CreateAttachment(ctx, &a); err != nil {
			return err
		}
		return s.record(ctx, attachEntry(d, "attach", a))
	})
	return a, errs.Wrap(op, err)
}

// fileError turns the store's refusals into field errors a user can act on.
func fileError(op string, err error) error {
	field := func(code, msg string) error {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: msg, Fields: []errs.FieldError{{Field: "file", Code: code, Message: msg}}}
	}
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return field("too_large", "the file is larger than 10 MB")
	case errors.Is(err, files.ErrEmpty):
		return field("empty_file", "the file is empty")
	case errors.Is(err, files.ErrUnsupported):
		return field("unsupported_type", "only PDF, PNG and JPEG files are accepted (recognised by their content, not their name)")
	}
	return errs.Wrap(op, err)
}

// Attachments lists the files attached to a document.
func (s *Service) Attachments(ctx context.Context, documentID int64) ([]sales.Attachment, error) {
	if _, err := reach(ctx, s.db.DocumentHead, documentID, access.View); err != nil {
		return nil, err
	}
	return s.db.Attachments(ctx, documentID)
}

// OpenAttachment returns an attached file and its content, checked
// against its checksum.
func (s *Service) OpenAttachment(ctx context.Context, documentID, id int64) (sales.Attachment, []byte, error) {
	const op = "service.OpenAttachment"
	if _, err := reach(ctx, s.db.DocumentHead, documentID, access.View); err != nil {
		return sales.Attachment{}, nil, errs.Wrap(op, err)
	}
	a, err := s.db.Attachment(ctx, documentID, id)
	if err != nil {
		return a, nil, errs.Wrap(op, err)
	}
	acc, err := account.IDFrom(ctx)
	if err != nil {
		return a, nil, err
	}
	data, err := s.Files.Get(acc, a.Checksum)
	if errors.Is(err, files.ErrNotFound) {
		return a, nil, errs.E(op, errs.NotFound, "the file is missing from the server's storage")
	}
	if errors.Is(err, files.ErrCorrupted) {
		s.log.Error("attachment corrupted", "account", acc, "attachment", id, "checksum", a.Checksum)
		return a, nil, errs.E(op, errs.Internal, "the stored file no longer matches its checksum")
	}
	return a, data, errs.Wrap(op, err)
}

// DeleteAttachment removes a file attached to a document still in draft;
// an issued document's files are kept as its evidence. The content stays
// in the store: another attachment racing to name the same content must
// never find it gone; unreferenced content is swept with the retention
// of attachments.
func (s *Service) DeleteAttachment(ctx context.Context, documentID, id int64) error {
	const op = "service.DeleteAttachment"
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		d, err := s.reachableDocument(ctx, documentID, access.Edit, true)
		if err != nil {
			return err
		}
		a, err := s.db.Attachment(ctx, documentID, id)
		if err != nil {
			return err
		}
		if !d.IsDraft() {
			return errs.E(op, errs.Conflict, "the files of an issued document are kept with it; attach the right one beside it")
		}
		if err := s.db.DeleteAttachment(ctx, documentID, id); err != nil {
			return err
		}
		return s.record(ctx, attachEntry(d, "detach", a))
	}))
}
