package privacy

import "reflect"

// Merge lays a user's edits over the register Comptoir generates now.
// saved is the register as the user last saved it and base the generated
// register it was edited from; what the user changed (saved differs from
// base) wins, what they left alone follows the system (gen). Sheets are
// matched by key: a sheet the user added stays, one they removed stays
// removed, one the system gained since (a module newly in use) appears.
func Merge(gen, saved, base Register) Register {
	out := Register{
		Title:      pick(gen.Title, saved.Title, base.Title),
		Controller: mergeValue(gen.Controller, saved.Controller, base.Controller),
		DPO:        mergeValue(gen.DPO, saved.DPO, base.DPO),
		Preamble:   pick(gen.Preamble, saved.Preamble, base.Preamble),
		Sections:   pick(gen.Sections, saved.Sections, base.Sections),
	}
	baseSheets := map[string]Sheet{}
	for _, s := range base.Activities {
		baseSheets[s.Key] = s
	}
	genSheets := map[string]Sheet{}
	for _, s := range gen.Activities {
		genSheets[s.Key] = s
	}
	savedKeys := map[string]bool{}
	for _, s := range saved.Activities {
		savedKeys[s.Key] = true
		b, fromBase := baseSheets[s.Key]
		g, inGen := genSheets[s.Key]
		switch {
		case !fromBase:
			out.Activities = append(out.Activities, s) // added by the user
		case inGen:
			out.Activities = append(out.Activities, mergeValue(g, s, b))
		default:
			// The module left the system; keep it only if the user edited it.
			if !reflect.DeepEqual(s, b) {
				out.Activities = append(out.Activities, s)
			}
		}
	}
	for _, g := range gen.Activities {
		if _, known := baseSheets[g.Key]; !known && !savedKeys[g.Key] {
			out.Activities = append(out.Activities, g) // new to the system
		}
	}
	return out
}

// mergeValue merges structs field by field (recursively), any other value
// as a whole.
func mergeValue[T any](gen, saved, base T) T {
	var out T
	mergeReflect(reflect.ValueOf(&out).Elem(), reflect.ValueOf(gen), reflect.ValueOf(saved), reflect.ValueOf(base))
	return out
}

func mergeReflect(out, gen, saved, base reflect.Value) {
	if out.Kind() != reflect.Struct {
		if reflect.DeepEqual(saved.Interface(), base.Interface()) {
			out.Set(gen)
		} else {
			out.Set(saved)
		}
		return
	}
	for i := range out.NumField() {
		mergeReflect(out.Field(i), gen.Field(i), saved.Field(i), base.Field(i))
	}
}

func pick[T any](gen, saved, base T) T {
	if reflect.DeepEqual(saved, base) {
		return gen
	}
	return saved
}
