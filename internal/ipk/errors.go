package ipk

import (
	"fmt"
	"strings"
)

// Reason says why an archive entry was refused.
type Reason int

// The reasons an entry of a control or data tar is refused (see the package
// documentation for the rules).
const (
	ReasonBadName            Reason = iota + 1 // empty, NUL byte, or over the length limits
	ReasonAbsolutePath                         // name starts with "/"
	ReasonDotDot                               // name has a ".." component
	ReasonThroughSymlink                       // a parent directory is a symlink from this archive
	ReasonParentNotDirectory                   // a parent is a file or other non-directory from this archive
	ReasonDuplicate                            // the same (normalised) name was seen before
	ReasonHardlinkOutside                      // hard link target absolute or with ".."
	ReasonHardlinkMissing                      // hard link target not earlier in the archive
	ReasonHardlinkNotFile                      // hard link target is not a regular file
	ReasonDevice                               // character/block device or FIFO, not allowed by Options
	ReasonSetuid                               // setuid/setgid bit on a non-directory, not allowed by Options
	ReasonUnsupportedType                      // sparse files, tape volumes, unknown type flags, …
	ReasonBadSize                              // negative size, or over Limits.MaxFileSize
	ReasonTooManyEntries                       // over Limits.MaxEntries
	ReasonTooLarge                             // sum of file sizes over Limits.MaxDataSize
	ReasonNotInControl                         // control tar entries must be plain files at top level
	ReasonBadSymlink                           // empty target or NUL byte
)

var reasonText = [...]string{
	ReasonBadName:            "bad entry name",
	ReasonAbsolutePath:       "absolute path",
	ReasonDotDot:             `path has a ".." component`,
	ReasonThroughSymlink:     "path passes through a symlink of the same archive",
	ReasonParentNotDirectory: "parent is not a directory",
	ReasonDuplicate:          "duplicate entry",
	ReasonHardlinkOutside:    "hard link target outside the package",
	ReasonHardlinkMissing:    "hard link target not earlier in the archive",
	ReasonHardlinkNotFile:    "hard link target is not a regular file",
	ReasonDevice:             "device node or FIFO not allowed",
	ReasonSetuid:             "setuid/setgid bit not allowed",
	ReasonUnsupportedType:    "unsupported entry type",
	ReasonBadSize:            "bad entry size",
	ReasonTooManyEntries:     "too many entries",
	ReasonTooLarge:           "data larger than the limit",
	ReasonNotInControl:       "control archive may hold only plain top-level files",
	ReasonBadSymlink:         "bad symlink target",
}

func (r Reason) String() string {
	if r > 0 && int(r) < len(reasonText) {
		return reasonText[r]
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// UnsafeEntryError is returned when an entry of the control or data tar breaks
// a safety rule. Nothing of the package should be installed when it occurs.
type UnsafeEntryError struct {
	Package string // the name given to the reader, e.g. the .ipk file name
	Member  string // outer member, e.g. "data.tar.gz"
	Entry   string // entry name as stored in the archive
	Reason  Reason
	Detail  string // e.g. the link target or the size, may be empty
}

func (e *UnsafeEntryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %q: %s", e.Package, e.Member, e.Entry, e.Reason)
	if e.Detail != "" {
		b.WriteString(" (")
		b.WriteString(e.Detail)
		b.WriteString(")")
	}
	return b.String()
}

// Problem says what is structurally wrong with a package.
type Problem int

// The structural problems of a package.
const (
	ProblemNotPackage          Problem = iota + 1 // neither gzip/tar nor ar
	ProblemTruncated                              // input ended inside a member or header
	ProblemCorrupt                                // bad header, checksum or compressed data
	ProblemTrailingData                           // non-zero bytes (or too many zero bytes) after an archive's end
	ProblemDuplicateMember                        // two debian-binary/control/data members
	ProblemMissingMember                          // no debian-binary, control or data member
	ProblemBadMember                              // outer entry that is not a regular file
	ProblemBadVersion                             // debian-binary is not "2.x"
	ProblemUnsupportedCompress                    // e.g. lz4
	ProblemTooLarge                               // a size or memory limit of Limits
	ProblemMissingControlFile                     // control tar without "control"
	ProblemMisuse                                 // API used out of order (e.g. Data on a control member)
)

var problemText = [...]string{
	ProblemNotPackage:          "not an ipk package",
	ProblemTruncated:           "truncated",
	ProblemCorrupt:             "corrupt",
	ProblemTrailingData:        "trailing data after end of archive",
	ProblemDuplicateMember:     "duplicate member",
	ProblemMissingMember:       "missing member",
	ProblemBadMember:           "outer archive entry is not a regular file",
	ProblemBadVersion:          "unsupported package format version",
	ProblemUnsupportedCompress: "unsupported compression",
	ProblemTooLarge:            "over size limit",
	ProblemMissingControlFile:  `control archive has no "control" file`,
	ProblemMisuse:              "misuse of the reader",
}

func (p Problem) String() string {
	if p > 0 && int(p) < len(problemText) {
		return problemText[p]
	}
	return fmt.Sprintf("Problem(%d)", int(p))
}

// FormatError is returned when a package is structurally broken: not an
// archive, truncated, corrupt, over a limit, or missing a member.
type FormatError struct {
	Package string
	Member  string // outer member, empty for the outer archive itself
	Problem Problem
	Detail  string
	Err     error // the cause, e.g. from the decompressor; may be nil
}

func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString(e.Package)
	if e.Member != "" {
		b.WriteString(": ")
		b.WriteString(e.Member)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem.String())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *FormatError) Unwrap() error { return e.Err }
