package pkginfo

import (
	"errors"
	"strings"
)

// Want is the first word of a Status field: what should happen to the
// package.
type Want uint8

// The wants, as opkg-lede names them (pkg.c pkg_state_want_map).
const (
	WantUnknown Want = iota
	WantInstall
	WantDeinstall
	WantPurge
)

var wantText = [...]string{"unknown", "install", "deinstall", "purge"}

func (w Want) String() string {
	if int(w) < len(wantText) {
		return wantText[w]
	}
	return ""
}

// Flags is the second word of a Status field: "ok" (no flag) or a comma
// list.
type Flags uint16

// The flags, in the order opkg-lede writes them (pkg.c
// pkg_state_flag_map).
const (
	FlagReinstReq Flags = 1 << iota
	FlagHold
	FlagReplace
	FlagNoPrune
	FlagPrefer
	FlagObsolete
	FlagUser
)

// Persistent are the flags a Status field keeps: opkg-lede clears the
// others (reinstreq, replace: its temporary marks) whenever it writes one
// (pkg.c pkg_state_flag_to_str, pkg.h SF_NONVOLATILE_FLAGS).
const Persistent = FlagHold | FlagNoPrune | FlagPrefer | FlagObsolete | FlagUser

var flagText = [...]string{"reinstreq", "hold", "replace", "noprune", "prefer", "obsolete", "user"}

// String writes "ok" or the flags in opkg's fixed order, comma-separated
// ("hold,user").
func (f Flags) String() string {
	if f == 0 {
		return "ok"
	}
	var b strings.Builder
	for i, name := range flagText {
		if f&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(name)
		}
	}
	return b.String()
}

// State is the third word of a Status field. The zero State is
// not-installed, so the zero Status reads "unknown ok not-installed", what
// opkg-lede shows for a package only known from a feed.
type State uint8

// The states, as opkg-lede names them (pkg.c pkg_state_status_map).
const (
	StateNotInstalled State = iota
	StateUnpacked
	StateHalfConfigured
	StateInstalled
	StateHalfInstalled
	StateConfigFiles
	StatePostInstFailed
	StateRemovalFailed
)

var stateText = [...]string{"not-installed", "unpacked", "half-configured", "installed", "half-installed",
	"config-files", "post-inst-failed", "removal-failed"}

func (s State) String() string {
	if int(s) < len(stateText) {
		return stateText[s]
	}
	return ""
}

// Status is the value of a Status field: "install user installed".
type Status struct {
	Want  Want
	Flags Flags
	State State
}

// String writes the Status field's value as opkg-lede does: the
// Persistent flags only, in opkg's fixed order ("install hold,user
// installed").
func (s Status) String() string {
	return s.Want.String() + " " + (s.Flags & Persistent).String() + " " + s.State.String()
}

// ErrStatus is the cause of every Status parse error.
var ErrStatus = errors.New("bad Status")

// ParseStatus reads "want flags state". Flags may come in any order
// (opkg-lede's parser silently drops flags out of its fixed order; pakt reads
// them all) and "ok" may not be combined with others. Unknown words are
// errors, where opkg-lede falls back to defaults.
func ParseStatus(v string) (Status, error) {
	words := strings.Fields(v)
	if len(words) != 3 {
		return Status{}, statusError("want three words, have %d", len(words))
	}
	var s Status
	w, ok := lookup(wantText[:], words[0])
	if !ok {
		return Status{}, statusError("unknown want %q", words[0])
	}
	s.Want = Want(w)
	if words[1] != "ok" {
		for name := range strings.SplitSeq(words[1], ",") {
			i, ok := lookup(flagText[:], name)
			if !ok {
				return Status{}, statusError("unknown flag %q", name)
			}
			s.Flags |= 1 << i
		}
	}
	st, ok := lookup(stateText[:], words[2])
	if !ok {
		return Status{}, statusError("unknown state %q", words[2])
	}
	s.State = State(st)
	return s, nil
}

func lookup(table []string, word string) (int, bool) {
	for i, t := range table {
		if t == word {
			return i, true
		}
	}
	return 0, false
}
