package web

import (
	"net/http"

	"github.com/comptoir/comptoir/identity"
)

func (s *Server) apiUserList(w http.ResponseWriter, r *http.Request) error {
	members, err := s.svc.Members(r.Context())
	if err != nil {
		return err
	}
	if members == nil {
		members = []identity.Member{}
	}
	writeJSON(w, http.StatusOK, page[identity.Member]{Data: members})
	return nil
}

// memberPatch is what the API lets an owner change about a member.
type memberPatch struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

func (s *Server) apiUserPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p memberPatch
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	m, err := s.svc.UpdateMember(r.Context(), id, p.Role, p.Disabled)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiInvitationCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, err := s.svc.Invite(r.Context(), in.Email, in.Role, negotiate(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inv)
	return nil
}
