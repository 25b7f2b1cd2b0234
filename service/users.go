package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// RightsOf resolves a membership's role into rights: a ready-made role, or
// a custom role of the membership's account.
func (s *Service) RightsOf(ctx context.Context, m identity.Membership) (access.Rights, error) {
	if r, ok := access.Builtin(m.Role); ok {
		return r, nil
	}
	id, ok := customRoleID(m.Role)
	if !ok {
		return access.Rights{}, errs.E("service.RightsOf", errs.Internal, "unknown role "+m.Role)
	}
	role, err := s.db.Role(account.WithID(ctx, m.AccountID), id)
	if err != nil {
		return access.Rights{}, err
	}
	role.Rights.Role = m.Role
	return role.Rights, nil
}

func customRoleID(role string) (int64, bool) {
	v, ok := strings.CutPrefix(role, "custom:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// checkRole verifies that role exists in the current account and that the
// actor may hand it out: only an owner makes owners.
func (s *Service) checkRole(ctx context.Context, role string) error {
	const op = "service.checkRole"
	bad := &errs.Error{Op: op, Kind: errs.Invalid, Message: "unknown role",
		Fields: []errs.FieldError{{Field: "role", Code: "unknown_role", Message: "unknown role"}}}
	if id, ok := customRoleID(role); ok {
		if _, err := s.db.Role(ctx, id); errs.Is(err, errs.NotFound) {
			return bad
		} else if err != nil {
			return err
		}
		return nil
	}
	if !access.IsBuiltin(role) {
		return bad
	}
	if role == access.RoleOwner && access.From(ctx).Role != access.RoleOwner && access.From(ctx).Role != "system" {
		return &errs.Error{Op: op, Kind: errs.Forbidden, Message: "only an owner can make someone an owner"}
	}
	return nil
}

// Members lists the current account's members.
func (s *Service) Members(ctx context.Context) ([]identity.Member, error) {
	if err := access.Require(ctx, access.Users, access.View); err != nil {
		return nil, err
	}
	return s.db.ListMembers(ctx)
}

// Invitations lists the current account's pending invitations.
func (s *Service) Invitations(ctx context.Context) ([]identity.Invitation, error) {
	if err := access.Require(ctx, access.Users, access.View); err != nil {
		return nil, err
	}
	return s.db.ListInvitations(ctx)
}

// Invite asks someone to join the current account with a role, by e-mail.
func (s *Service) Invite(ctx context.Context, email, role, lang string) (identity.Invitation, error) {
	const op = "service.Invite"
	if err := access.Require(ctx, access.Users, access.Create); err != nil {
		return identity.Invitation{}, err
	}
	email, err := identity.CheckEmail(email)
	if err != nil {
		return identity.Invitation{}, &errs.Error{Op: op, Kind: errs.Invalid, Message: "e-mail address not valid",
			Fields: []errs.FieldError{{Field: "email", Code: "invalid_email", Message: "e-mail address not valid"}}}
	}
	token, err := identity.NewToken("inv_")
	if err != nil {
		return identity.Invitation{}, errs.Wrap(op, err)
	}
	inv := identity.Invitation{Email: email, Role: role, TokenHash: identity.HashToken(token), InvitedBy: identity.ActorFrom(ctx).UserID}
	var acc account.Account
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.checkRole(ctx, role); err != nil {
			return err
		}
		if u, err := s.db.UserByEmail(ctx, email); err == nil {
			if _, err := s.db.Member(ctx, u.ID); err == nil {
				return &errs.Error{Op: op, Kind: errs.Conflict, Message: "already a member",
					Fields: []errs.FieldError{{Field: "email", Code: "already_member", Message: "already a member"}}}
			}
		}
		if acc, err = s.db.Account(ctx); err != nil {
			return err
		}
		if err := s.db.CreateInvitation(ctx, &inv); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: "invite", RecordType: "invitation",
			RecordID: inv.ID, Summary: email, Changes: []activity.Change{{Field: "role", After: role}}})
	})
	if err != nil {
		return inv, errs.Wrap(op, err)
	}
	data := map[string]any{"Account": acc.Name, "Inviter": identity.ActorFrom(ctx).Email, "URL": s.BaseURL + "/invitations/" + token,
		"Days": int(identity.InvitationLifetime.Hours() / 24)}
	// A failed delivery does not undo the invitation: it is in the delivery
	// log, and the owner can withdraw and invite again.
	inv.MailSent = s.sendMail(ctx, acc.ID, email, "invitation", lang, data) == nil
	return inv, nil
}

// changeMember runs a change to another member inside a transaction with
// the rules that keep an account manageable: nobody changes their own
// membership this way, and the last enabled owner stays an enabled owner.
func (s *Service) changeMember(ctx context.Context, userID int64, action access.Action, what string, change func(ctx context.Context, m identity.Member) ([]activity.Change, error)) error {
	op := "service." + what
	if err := access.Require(ctx, access.Users, action); err != nil {
		return err
	}
	if identity.ActorFrom(ctx).UserID == userID {
		return errs.E(op, errs.Forbidden, "you cannot change your own access; ask another owner")
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.LockAccount(ctx); err != nil {
			return err
		}
		m, err := s.db.Member(ctx, userID)
		if err != nil {
			return err
		}
		if m.Role == access.RoleOwner && access.From(ctx).Role != access.RoleOwner && access.From(ctx).Role != "system" {
			return errs.E(op, errs.Forbidden, "only an owner can change an owner")
		}
		changes, err := change(ctx, m)
		if err != nil {
			return err
		}
		if n, err := s.db.CountActiveOwners(ctx); err != nil {
			return err
		} else if n == 0 {
			return errs.E(op, errs.Conflict, "the account must keep at least one enabled owner")
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: strings.ToLower(what), RecordType: "user",
			RecordID: userID, Summary: m.Email, Changes: changes})
	}))
}

// SetMemberRole gives a member another role.
func (s *Service) SetMemberRole(ctx context.Context, userID int64, role string) error {
	return s.changeMember(ctx, userID, access.Edit, "set_role", func(ctx context.Context, m identity.Member) ([]activity.Change, error) {
		if err := s.checkRole(ctx, role); err != nil {
			return nil, err
		}
		return []activity.Change{{Field: "role", Before: m.Role, After: role}}, s.db.SetMemberRole(ctx, userID, role)
	})
}

// UpdateMember changes a member's role and/or enabled state in one
// transaction: either both changes land or neither does.
func (s *Service) UpdateMember(ctx context.Context, userID int64, role *string, disabled *bool) (identity.Member, error) {
	var m identity.Member
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if role != nil {
			if err := s.SetMemberRole(ctx, userID, *role); err != nil {
				return err
			}
		}
		if disabled != nil {
			if err := s.SetMemberDisabled(ctx, userID, *disabled); err != nil {
				return err
			}
		}
		var err error
		m, err = s.Member(ctx, userID)
		return err
	})
	return m, err
}

// SetMemberDisabled disables or enables a member; disabling ends their
// sessions and revokes their tokens in this account at once.
func (s *Service) SetMemberDisabled(ctx context.Context, userID int64, disabled bool) error {
	what := "enable"
	if disabled {
		what = "disable"
	}
	return s.changeMember(ctx, userID, access.Edit, what, func(ctx context.Context, m identity.Member) ([]activity.Change, error) {
		if err := s.db.SetMemberDisabled(ctx, userID, disabled); err != nil {
			return nil, err
		}
		if disabled {
			return nil, s.db.EndMemberAccess(ctx, userID)
		}
		return nil, nil
	})
}

// RemoveMember takes a member out of the account, ending their access.
func (s *Service) RemoveMember(ctx context.Context, userID int64) error {
	return s.changeMember(ctx, userID, access.Delete, "remove", func(ctx context.Context, m identity.Member) ([]activity.Change, error) {
		if err := s.db.EndMemberAccess(ctx, userID); err != nil {
			return nil, err
		}
		return []activity.Change{{Field: "role", Before: m.Role}}, s.db.RemoveMember(ctx, userID)
	})
}

// InvitationInfo describes an invitation for its landing page.
type InvitationInfo struct {
	Invitation  identity.Invitation
	AccountName string
	UserExists  bool
}

var errBadInvitation = errs.E("service.Invitation", errs.NotFound, "this invitation does not exist, was used or has expired")

// Invitation returns a live invitation by its token.
func (s *Service) Invitation(ctx context.Context, token string) (InvitationInfo, error) {
	inv, err := s.db.InvitationByToken(ctx, identity.HashToken(token))
	if err != nil || inv.AcceptedAt != nil || !s.db.Now(ctx).Before(inv.ExpiresAt) {
		return InvitationInfo{}, errBadInvitation
	}
	ctx = account.WithID(ctx, inv.AccountID)
	acc, err := s.db.Account(ctx)
	if err != nil {
		return InvitationInfo{}, errBadInvitation
	}
	_, uerr := s.db.UserByEmail(ctx, inv.Email)
	return InvitationInfo{Invitation: inv, AccountName: acc.Name, UserExists: uerr == nil}, nil
}

// AcceptInvitation makes the invitee a member. A newcomer chooses a name
// and password; someone who already has a login must be logged in as the
// invited address (asUser).
func (s *Service) AcceptInvitation(ctx context.Context, token string, asUser int64, name, pw string) (identity.Invitation, error) {
	const op = "service.AcceptInvitation"
	info, err := s.Invitation(ctx, token)
	if err != nil {
		return identity.Invitation{}, err
	}
	inv := info.Invitation
	var hash string
	if !info.UserExists {
		if c := identity.CheckPassword(pw); c != "" {
			return inv, &errs.Error{Op: op, Kind: errs.Invalid, Message: "the password does not meet the policy",
				Fields: []errs.FieldError{{Field: "password", Code: c}}}
		}
		if hash, err = password.Hash(pw, s.Password); err != nil {
			return inv, errs.Wrap(op, err)
		}
	}
	ctx = account.WithID(ctx, inv.AccountID)
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var u identity.User
		if info.UserExists {
			if u, err = s.db.UserByEmail(ctx, inv.Email); err != nil {
				return err
			}
			if u.ID != asUser {
				return errs.E(op, errs.Forbidden, "log in as "+inv.Email+" to accept this invitation")
			}
		} else {
			// The invitation reached the address: it is verified.
			now := s.db.Now(ctx)
			u = identity.User{Email: inv.Email, Name: strings.TrimSpace(name), PasswordHash: hash, EmailVerifiedAt: &now}
			if err := s.db.CreateUser(ctx, &u); err != nil {
				return err
			}
		}
		if err := s.db.AcceptInvitation(ctx, inv.ID); err != nil {
			return errBadInvitation
		}
		if err := s.db.AddMember(ctx, u.ID, inv.Role); err != nil {
			return err
		}
		actor := identity.ActorFrom(ctx)
		actor.UserID, actor.Email = u.ID, u.Email
		return s.record(identity.WithActor(ctx, actor), activity.Entry{Module: "users", Action: "join", RecordType: "user",
			RecordID: u.ID, Summary: u.Email, Changes: []activity.Change{{Field: "role", After: inv.Role}}})
	})
	return inv, errs.Wrap(op, err)
}

// WithdrawInvitation cancels a pending invitation of the current account.
func (s *Service) WithdrawInvitation(ctx context.Context, id int64) error {
	if err := access.Require(ctx, access.Users, access.Delete); err != nil {
		return err
	}
	return errs.Wrap("service.WithdrawInvitation", s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.DeleteInvitation(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: activity.Delete, RecordType: "invitation", RecordID: id})
	}))
}

// Member returns one member of the current account.
func (s *Service) Member(ctx context.Context, userID int64) (identity.Member, error) {
	if err := access.Require(ctx, access.Users, access.View); err != nil {
		return identity.Member{}, err
	}
	return s.db.Member(ctx, userID)
}
