package ipk

import (
	"io"
)

// Handler receives a package's contents from Walk.
type Handler struct {
	// Control, if set, is called as soon as the control member has been
	// read. In OpenWrt's packages (ipkg-build) the data member comes first,
	// so Entry calls usually precede it; see Walk.
	Control func(*Control) error
	// Entry is called for every data entry once it has passed the safety
	// rules. content reads a regular file's bytes and is valid only during
	// the call; what Entry leaves unread is skipped.
	Entry func(e *Entry, content io.Reader) error
}

// Walk reads a whole package in one pass: the control member into memory,
// the data entries streamed to h.Entry. It returns the control archive once
// the package has been read to its end and found sound. An error from h is
// returned as is; the caller must then discard whatever it made of the
// entries already seen, as it must for any error.
//
// Members arrive in file order and a stream cannot go back: a caller that
// must see the control member before any data (to check dependencies or
// conflicts before staging files) calls ReadControl on a first pass and Walk
// on a second. For an ar package or one from opkg-build the control member
// comes first and h.Control is called before any entry.
func Walk(r io.Reader, name string, opts Options, h Handler) (*Control, error) {
	pr, err := NewReader(r, name, opts)
	if err != nil {
		return nil, err
	}
	var ctl *Control
	for {
		m, err := pr.Next()
		if err == io.EOF {
			return ctl, nil
		}
		if err != nil {
			return nil, err
		}
		switch m.Kind {
		case MemberControl:
			if ctl, err = pr.Control(); err != nil {
				return nil, err
			}
			if h.Control != nil {
				if err := h.Control(ctl); err != nil {
					return nil, err
				}
			}
		case MemberData:
			d, err := pr.Data()
			if err != nil {
				return nil, err
			}
			for {
				e, err := d.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					return nil, err
				}
				if h.Entry != nil {
					if err := h.Entry(e, d); err != nil {
						return nil, err
					}
				}
			}
		}
	}
}

// ReadControl reads only as far as the control member and returns it. The
// data member, when it comes first, is skipped without being decompressed
// (the outer gzip still is) and without its entries being checked: a package
// is only known to be sound after Walk.
func ReadControl(r io.Reader, name string, opts Options) (*Control, error) {
	pr, err := NewReader(r, name, opts)
	if err != nil {
		return nil, err
	}
	for {
		m, err := pr.Next()
		if err == io.EOF {
			// Unreachable: Next reports a missing control member.
			return nil, &FormatError{Package: name, Problem: ProblemMissingMember, Detail: "control.tar.*"}
		}
		if err != nil {
			return nil, err
		}
		if m.Kind == MemberControl {
			return pr.Control()
		}
	}
}
