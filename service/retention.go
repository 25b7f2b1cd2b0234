package service

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
)

// RetentionBatch is how many prospects one transaction of a retention run
// deletes: short enough that SQLite's single writer and PostgreSQL's other
// sessions wait milliseconds, not the whole run.
const RetentionBatch = 1000

// RetentionSamples is how many records of each step a plan shows.
const RetentionSamples = 5

// RetentionPolicies returns the current account's retention policies: the
// defaults (privacy.DefaultPolicies, the activity log's from the instance's
// configuration) with the account's own periods over them.
func (s *Service) RetentionPolicies(ctx context.Context) ([]privacy.Policy, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	return s.retentionPolicies(ctx)
}

func (s *Service) retentionPolicies(ctx context.Context) ([]privacy.Policy, error) {
	overrides, err := s.db.RetentionOverrides(ctx)
	if err != nil {
		return nil, errs.Wrap("service.RetentionPolicies", err)
	}
	out := make([]privacy.Policy, 0, len(privacy.DefaultPolicies))
	for _, p := range privacy.DefaultPolicies {
		p = s.defaultPolicy(p)
		for _, o := range overrides {
			if o.Key == p.Key && !privacy.InstanceWide(p.Key) {
				p.Active, p.Archive = o.Active, o.Archive
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// defaultPolicy is p with the instance's configuration applied: the
// activity log's period is COMPTOIR_ACTIVITY_RETENTION_DAYS when set.
func (s *Service) defaultPolicy(p privacy.Policy) privacy.Policy {
	if p.Key == privacy.ActivityLog && s.ActivityRetentionDays > 0 {
		p.Active = privacy.Period{Days: s.ActivityRetentionDays}
		if longer := (privacy.Period{Days: s.ActivityRetentionDays}); longer.ApproxDays() > p.Max.ApproxDays() {
			p.Max = longer
		}
	}
	return p
}

// PolicyInput is a change of a retention policy's periods.
type PolicyInput struct {
	Active  privacy.Period `json:"active"`
	Archive privacy.Period `json:"archive"`
}

// SetRetentionPolicy sets the current account's periods of the policy key,
// within what the law and the CNIL allow (the policy's Max; accounting
// documents 10 years in all), and logs the change.
func (s *Service) SetRetentionPolicy(ctx context.Context, key string, in PolicyInput) (privacy.Policy, error) {
	const op = "service.SetRetentionPolicy"
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return privacy.Policy{}, err
	}
	def, ok := privacy.DefaultPolicy(key)
	if !ok {
		return privacy.Policy{}, errs.E(op, errs.NotFound, "no such retention policy")
	}
	def = s.defaultPolicy(def)
	var out privacy.Policy
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		policies, err := s.retentionPolicies(ctx)
		if err != nil {
			return err
		}
		var before privacy.Policy
		for _, p := range policies {
			if p.Key == key {
				before = p
			}
		}
		after := before
		after.Active, after.Archive = in.Active, in.Archive
		if err := after.Check(def); err != nil {
			return err
		}
		out = after
		if after.Active == before.Active && after.Archive == before.Archive {
			return nil
		}
		if err := s.db.SaveRetentionOverride(ctx, storage.PolicyOverride{Key: key, Active: after.Active, Archive: after.Archive,
			Action: after.Action, UpdatedBy: identity.ActorFrom(ctx).UserID}); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "retention_policy", RecordType: "retention_policy",
			Summary: key, Changes: []activity.Change{
				{Field: "active", Before: before.Active.String(), After: after.Active.String()},
				{Field: "archive", Before: before.Archive.String(), After: after.Archive.String()},
			}})
	})
	if err != nil {
		return privacy.Policy{}, errs.Wrap(op, err)
	}
	return out, nil
}

// step is one step of a retention run: what it counts in a plan and what
// it does in a run. Both read the same storage conditions, so a plan says
// exactly what the run on the same day does.
type step struct {
	policy string
	action privacy.Action
	target string
	// plan counts the records and returns up to n samples.
	plan func(ctx context.Context, n int) (int, []privacy.Sample, error)
	// apply does it, in transactions of its own, and returns how many.
	apply func(ctx context.Context) (int, error)
}

// steps returns the steps of a retention run of the current account on
// day asOf, in the order they run.
func (s *Service) steps(ctx context.Context, asOf time.Time) ([]step, error) {
	policies, err := s.retentionPolicies(ctx)
	if err != nil {
		return nil, err
	}
	pol := map[string]privacy.Policy{}
	for _, p := range policies {
		pol[p.Key] = p
	}
	var out []step
	// Accounting records past their legal hold, first: an erased person
	// they alone named goes with them.
	docs := pol[privacy.AccountingDocs]
	held := privacy.Cutoff(asOf, docs.Total()).Format(time.DateOnly)
	var heldPlan map[string]int
	var heldSamples map[string][]privacy.Sample
	heldDone := map[string]int{}
	for _, target := range []string{"documents", "payments", "contacts"} {
		out = append(out, step{policy: docs.Key, action: privacy.Delete, target: target,
			plan: func(ctx context.Context, n int) (int, []privacy.Sample, error) {
				if heldPlan == nil {
					var err error
					if heldPlan, heldSamples, err = s.db.HeldCount(ctx, held, n); err != nil {
						return 0, nil, err
					}
				}
				return heldPlan[target], heldSamples[target], nil
			},
			apply: func(ctx context.Context) (int, error) {
				if target != "documents" {
					return heldDone[target], nil // deleted with the documents
				}
				var err error
				heldDone, err = s.deleteHeld(ctx, held)
				return heldDone[target], err
			}})
	}
	// Contacts: into the archive, then their end.
	for _, key := range []string{privacy.Prospects, privacy.Clients, privacy.Suppliers} {
		p := pol[key]
		cutoff, end := privacy.Cutoff(asOf, p.Active), privacy.Cutoff(asOf, p.Total())
		if !p.Archive.Zero() {
			st := storage.Stage{Kind: key, Archive: true, Cutoff: cutoff, End: end}
			out = append(out, step{policy: key, action: privacy.Archive, target: "contacts",
				plan: s.stagePlan(st), apply: func(ctx context.Context) (int, error) { return s.archive(ctx, st) }})
		}
		if key == privacy.Prospects {
			simple := storage.Stage{Kind: key, End: end, Simple: true}
			complex := storage.Stage{Kind: key, End: end, Complex: true}
			out = append(out, step{policy: key, action: p.Action, target: "contacts",
				plan: func(ctx context.Context, n int) (int, []privacy.Sample, error) {
					a, sa, err := s.stagePlan(simple)(ctx, n)
					if err != nil {
						return 0, nil, err
					}
					b, sb, err := s.stagePlan(complex)(ctx, n-len(sa))
					return a + b, append(sa, sb...), err
				},
				apply: func(ctx context.Context) (int, error) {
					a, err := s.deleteProspects(ctx, simple)
					if err != nil {
						return a, err
					}
					b, err := s.eraseStage(ctx, complex)
					return a + b, err
				}})
			continue
		}
		st := storage.Stage{Kind: key, End: end}
		out = append(out, step{policy: key, action: p.Action, target: "contacts",
			plan: s.stagePlan(st), apply: func(ctx context.Context) (int, error) { return s.eraseStage(ctx, st) }})
	}
	// Logs and short-lived records.
	if p := pol[privacy.ActivityLog]; s.ActivityRetentionDays >= 0 {
		cutoff := privacy.Cutoff(asOf, p.Active)
		out = append(out, step{policy: p.Key, action: privacy.Delete, target: "activity",
			plan: func(ctx context.Context, _ int) (int, []privacy.Sample, error) {
				n, err := s.db.PurgeableActivity(ctx, cutoff)
				return n, nil, err
			},
			apply: func(ctx context.Context) (int, error) {
				n, err := s.db.PurgeActivity(ctx, cutoff)
				return int(n), err
			}})
	}
	for _, key := range []string{privacy.MailLog, privacy.SessionsPolicy, privacy.Invitations, privacy.ReplayCache, privacy.RightsRequestsPolicy} {
		p := pol[key]
		period := p.Total()
		if key == privacy.ReplayCache && period.ApproxDays() < 1 {
			period = privacy.Period{Days: 1} // never within the replay window (storage.IdempotencyTTL)
		}
		cutoff := privacy.Cutoff(asOf, period)
		out = append(out, step{policy: key, action: privacy.Delete, target: targetOf(key),
			plan: func(ctx context.Context, _ int) (int, []privacy.Sample, error) {
				n, err := s.db.ExpiredCount(ctx, key, cutoff)
				return n, nil, err
			},
			apply: func(ctx context.Context) (int, error) { return s.db.DeleteExpired(ctx, key, cutoff) }})
	}
	files := pol[privacy.OrphanFiles]
	fileCutoff := privacy.Cutoff(asOf, files.Active)
	out = append(out, step{policy: files.Key, action: privacy.Delete, target: "files",
		plan: func(ctx context.Context, n int) (int, []privacy.Sample, error) {
			sums, err := s.orphanFiles(ctx, fileCutoff)
			var samples []privacy.Sample
			for _, sum := range sums[:min(n, len(sums))] {
				samples = append(samples, privacy.Sample{Ref: sum[:12]})
			}
			return len(sums), samples, err
		},
		apply: func(ctx context.Context) (int, error) {
			sums, err := s.orphanFiles(ctx, fileCutoff)
			if err != nil {
				return 0, err
			}
			acc, err := account.IDFrom(ctx)
			if err != nil {
				return 0, err
			}
			n := 0
			for _, sum := range sums {
				// Asked again file by file: the same content may have been
				// attached since the list was made.
				if used, err := s.db.ChecksumInUse(ctx, sum); err != nil || used {
					if err != nil {
						return n, err
					}
					continue
				}
				if err := s.Files.Delete(acc, sum); err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		}})
	return out, nil
}

func targetOf(key string) string {
	switch key {
	case privacy.MailLog:
		return "mail_log"
	case privacy.ReplayCache:
		return "idempotency_keys"
	case privacy.RightsRequestsPolicy:
		return "privacy_requests"
	}
	return key
}

func (s *Service) stagePlan(st storage.Stage) func(ctx context.Context, n int) (int, []privacy.Sample, error) {
	return func(ctx context.Context, n int) (int, []privacy.Sample, error) {
		count, err := s.db.StageCount(ctx, st)
		if err != nil || count == 0 || n <= 0 {
			return count, nil, err
		}
		_, samples, err := s.db.StageContacts(ctx, st, 0, n)
		return count, samples, err
	}
}

// archive moves a stage's contacts to the intermediate archive, a batch
// per transaction.
func (s *Service) archive(ctx context.Context, st storage.Stage) (int, error) {
	return s.inBatches(ctx, st, func(ctx context.Context, ids []int64) (int, error) {
		n, err := s.db.ArchiveContacts(ctx, st, ids)
		if err != nil || n == 0 {
			return n, err
		}
		return n, s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "retention_archive", RecordType: "contact",
			Summary: fmt.Sprintf("%s: %d contacts moved to the intermediate archive", st.Kind, n)})
	})
}

// deleteProspects deletes the prospects with nothing else attached, a
// batch per transaction, each with one activity entry that names no one
// and pins the entries about them it redacts.
func (s *Service) deleteProspects(ctx context.Context, st storage.Stage) (int, error) {
	return s.inBatches(ctx, st, func(ctx context.Context, ids []int64) (int, error) {
		n, log, err := s.db.DeleteSimpleProspects(ctx, st, ids)
		if err != nil || n == 0 {
			return n, err
		}
		return n, s.recordErasure(ctx, "retention_delete", 0,
			fmt.Sprintf("retention: prospects: %d prospects deleted, %d log entries redacted", n, len(log)), log)
	})
}

// inBatches applies do to a stage's contacts, RetentionBatch at a time,
// each batch in a transaction of its own so that users are not kept
// waiting, until the stage has none left.
func (s *Service) inBatches(ctx context.Context, st storage.Stage, do func(ctx context.Context, ids []int64) (int, error)) (int, error) {
	total := 0
	var after int64
	for {
		var n, k int
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			ids, _, err := s.db.StageContacts(ctx, st, after, RetentionBatch)
			if err != nil || len(ids) == 0 {
				return err
			}
			k, after = len(ids), ids[len(ids)-1]
			n, err = do(ctx, ids)
			return err
		})
		total += n
		if err != nil || k == 0 {
			return total, err
		}
	}
}

// eraseStage erases a stage's contacts one by one (EraseContact): what may
// go goes, accounting records stay restricted under their legal hold.
func (s *Service) eraseStage(ctx context.Context, st storage.Stage) (int, error) {
	total := 0
	var after int64
	for {
		ids, _, err := s.db.StageContacts(ctx, st, after, 100)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		after = ids[len(ids)-1]
		for _, id := range ids {
			if _, err := s.EraseContact(ctx, id, "retention: "+st.Kind); err != nil {
				return total, err
			}
			total++
		}
	}
}

// deleteHeld deletes the records past their legal hold in one
// transaction, with its activity entry, and returns the counts per target.
func (s *Service) deleteHeld(ctx context.Context, cutoff string) (map[string]int, error) {
	var counts map[string]int
	var sums []string
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if counts, sums, err = s.db.DeleteHeld(ctx, cutoff); err != nil {
			return err
		}
		if counts["documents"]+counts["payments"]+counts["contacts"] == 0 {
			return nil
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "retention_delete", RecordType: "document",
			Summary: fmt.Sprintf("retention: accounting records dated before %s: %d documents, %d payments, %d erased contacts deleted",
				cutoff, counts["documents"], counts["payments"], counts["contacts"])})
	})
	if err != nil {
		return nil, err
	}
	s.removeUnused(ctx, sums)
	return counts, nil
}

// orphanFiles lists the account's stored files that no attachment refers
// to, kept since before cutoff.
func (s *Service) orphanFiles(ctx context.Context, cutoff time.Time) ([]string, error) {
	if s.Files.Dir == "" {
		return nil, nil
	}
	acc, err := account.IDFrom(ctx)
	if err != nil {
		return nil, err
	}
	kept, err := s.Files.List(acc)
	if err != nil {
		return nil, err
	}
	used, err := s.db.AttachmentChecksums(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range kept {
		if !used[k.Checksum] && k.ModTime.Before(cutoff) {
			out = append(out, k.Checksum)
		}
	}
	sort.Strings(out)
	return out, nil
}

// day returns the UTC day of t, at midnight.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// PlanRetention says what a retention run of the current account on day
// asOf would do, policy by policy: how many records it would archive,
// delete or anonymise, with a few of them by name. It changes nothing.
func (s *Service) PlanRetention(ctx context.Context, asOf time.Time) (privacy.Plan, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return privacy.Plan{}, err
	}
	plan, _, err := s.plan(ctx, day(asOf))
	return plan, errs.Wrap("service.PlanRetention", err)
}

func (s *Service) plan(ctx context.Context, asOf time.Time) (privacy.Plan, []step, error) {
	steps, err := s.steps(ctx, asOf)
	if err != nil {
		return privacy.Plan{}, nil, err
	}
	plan := privacy.Plan{AsOf: asOf, Steps: make([]privacy.Step, len(steps))}
	for i, st := range steps {
		n, samples, err := st.plan(ctx, RetentionSamples)
		if err != nil {
			return privacy.Plan{}, nil, err
		}
		plan.Steps[i] = privacy.Step{Policy: st.policy, Action: st.action, Target: st.target, Count: n, Samples: samples}
	}
	return plan, steps, nil
}

// RunRetention applies the current account's retention policies as on day
// asOf: the plan PlanRetention shows, step by step, in short transactions.
// A dry run changes nothing: it only logs the run with what it would have
// done. Every run is logged with its counts; a real run also writes
// activity entries that name no one.
func (s *Service) RunRetention(ctx context.Context, asOf time.Time, dryRun bool) (privacy.Run, error) {
	const op = "service.RunRetention"
	need := access.Delete
	if dryRun {
		need = access.View
	}
	if err := access.Require(ctx, access.Privacy, need); err != nil {
		return privacy.Run{}, err
	}
	asOf = day(asOf)
	if !dryRun && !access.IsSystem(ctx) && asOf.After(day(s.db.Now(ctx)).AddDate(0, 0, 1)) {
		// Only the instance's operator runs retention as on a later day.
		var f errs.Fields
		f.Add("as_of", "retention_future", "a real run cannot be dated after today; a dry run can")
		return privacy.Run{}, f.Err(op)
	}
	run := privacy.Run{StartedAt: s.db.Now(ctx), AsOf: asOf.Format(time.DateOnly), DryRun: dryRun,
		StartedBy: identity.ActorFrom(ctx).UserID}
	plan, steps, err := s.plan(ctx, asOf)
	if err != nil {
		return run, errs.Wrap(op, err)
	}
	run.Steps = plan.Steps
	if dryRun {
		now := s.db.Now(ctx)
		run.FinishedAt = &now
		if err := s.db.InsertRetentionRun(ctx, &run); err != nil {
			return run, errs.Wrap(op, err)
		}
		return run, nil
	}
	if err := s.db.InsertRetentionRun(ctx, &run); err != nil {
		return run, errs.Wrap(op, err)
	}
	var runErr error
	for i, st := range steps {
		n, err := st.apply(ctx)
		run.Steps[i].Count = n
		if err != nil {
			runErr = fmt.Errorf("%s/%s: %w", st.policy, st.target, err)
			run.Error = st.policy + ": " + errs.MessageOf(err)
			break
		}
	}
	now := s.db.Now(ctx)
	run.FinishedAt = &now
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.FinishRetentionRun(ctx, run); err != nil {
			return err
		}
		var parts []string
		for _, st := range run.Steps {
			if st.Count > 0 {
				parts = append(parts, st.Policy+" "+string(st.Action)+" "+st.Target+" "+strconv.Itoa(st.Count))
			}
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "retention_run", RecordType: "retention_run",
			RecordID: run.ID, Summary: "retention as of " + run.AsOf + ": " + strings.Join(parts, ", ")})
	})
	if runErr != nil {
		return run, errs.Wrap(op, runErr)
	}
	return run, errs.Wrap(op, err)
}

// RetentionRuns lists the current account's retention runs, newest first.
func (s *Service) RetentionRuns(ctx context.Context, limit int) ([]privacy.Run, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return s.db.RetentionRuns(ctx, limit)
}

// ArchivedContacts lists the current account's contacts in the
// intermediate archive, for those with the privacy right.
func (s *Service) ArchivedContacts(ctx context.Context, limit int) ([]privacy.ArchivedContact, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	return s.db.ArchivedContacts(ctx, limit)
}

// AccountRun is a retention run of one account, in RunRetentionAll's report.
type AccountRun struct {
	AccountID int64
	Run       privacy.Run
	Err       error
}

// RunRetentionAll runs retention in every active account as on day asOf
// (the daily job and the command line), then removes the instance's
// expired reset and verification codes and login-failure counters. An
// account's failure is reported and does not stop the others. Only the
// system runs it.
func (s *Service) RunRetentionAll(ctx context.Context, asOf time.Time, dryRun bool) ([]AccountRun, map[string]int, error) {
	if !access.IsSystem(ctx) {
		return nil, nil, errs.E("service.RunRetentionAll", errs.Forbidden, "retention of every account runs as the system")
	}
	accounts, err := s.db.ListAccounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []AccountRun
	for _, a := range accounts {
		if a.Status != "" && a.Status != account.StatusActive {
			continue
		}
		run, err := s.RunRetention(account.WithID(ctx, a.ID), asOf, dryRun)
		out = append(out, AccountRun{AccountID: a.ID, Run: run, Err: err})
	}
	codes, _ := privacy.DefaultPolicy(privacy.ResetCodes)
	mail, _ := privacy.DefaultPolicy(privacy.MailLog)
	counts, err := s.db.ExpiredCodes(ctx, privacy.Cutoff(day(asOf), codes.Active), privacy.Cutoff(day(asOf), mail.Active), !dryRun)
	return out, counts, err
}
