package txn

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"pakt/internal/fsroot"
)

// JournalPath is where the journal lives under the root, beside opkg's
// database.
const JournalPath = "usr/lib/opkg/pakt/journal"

// journalFile is where the journal is, resolved once: every other call
// takes resolved names (fsroot.Root.Resolved). temp holds the journal
// until its plan is complete and durable, so a journal is never seen
// half-planned.
type journalFile struct {
	path, temp, dir string
}

func locateJournal(root fsroot.FS) (journalFile, error) {
	p, err := root.Resolve(JournalPath)
	if err != nil {
		return journalFile{}, err
	}
	return journalFile{path: p, temp: p + ".new", dir: path.Dir(p)}, nil
}

const journalMagic = "pakt-journal"
const journalVersion = "1"

// maxJournal bounds what Recover reads: a journal of a million files is
// ~200 MB; anything larger is not ours.
const maxJournal = 256 << 20

// step is one record of the journal: a directory created while preparing,
// a file or link put in place, or a file removed. Names are resolved
// (no links in their directory part).
type step struct {
	kind     string      // "dir", "mkdir", "put", "del"
	mode     fs.FileMode // dir, mkdir
	uid, gid int         // mkdir: owner, -1 to leave it
	dest     string
	temp     string // put: the staged new version
	backup   string // put, del: where the old file goes; "" when there is none (new file)
}

// record is a line without its checksum.
func (s step) record() string {
	switch s.kind {
	case "dir":
		return fmt.Sprintf("dir %o %s", uint32(s.mode), strconv.Quote(s.dest))
	case "mkdir":
		return fmt.Sprintf("mkdir %o %d %d %s", uint32(s.mode), s.uid, s.gid, strconv.Quote(s.dest))
	case "put":
		return fmt.Sprintf("put %s %s %s", strconv.Quote(s.dest), strconv.Quote(s.temp), strconv.Quote(s.backup))
	default:
		return fmt.Sprintf("del %s %s", strconv.Quote(s.dest), strconv.Quote(s.backup))
	}
}

// line adds the record's checksum and the newline.
func line(record string) string {
	return fmt.Sprintf("%s %08x\n", record, crc32.ChecksumIEEE([]byte(record)))
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// encodePlan is the journal up to and including its plan record.
func encodePlan(txid string, steps []step) []byte {
	var b strings.Builder
	b.WriteString(line(journalMagic + " " + journalVersion + " " + txid))
	for _, s := range steps {
		b.WriteString(line(s.record()))
	}
	body := b.String()
	return []byte(body + line(fmt.Sprintf("plan %d %s", len(steps), sum([]byte(body)))))
}

// commitRecord is the line that, once durable, commits the transaction.
func commitRecord(plan []byte) []byte {
	return []byte(line("commit " + sum(plan)))
}

// journal is what could be read of a journal file.
type journal struct {
	txid      string
	steps     []step
	planned   bool // the plan record was read and its checksum matched: steps is the whole plan
	planLen   int  // bytes up to the end of the plan record
	committed bool // the commit record was read and its checksum matched
	badLine   int  // first line that could not be read (1-based), 0 if none
}

// parseJournal reads records until the first that is truncated, fails its
// checksum or is not understood; everything before it is trusted.
func parseJournal(data []byte) journal {
	var j journal
	offset := 0
	for n := 1; offset < len(data); n++ {
		end := bytes.IndexByte(data[offset:], '\n')
		if end < 0 {
			j.badLine = n
			return j
		}
		raw := string(data[offset : offset+end])
		start := offset
		offset += end + 1
		rec, ok := checkLine(raw)
		if !ok {
			j.badLine = n
			return j
		}
		fields, ok := splitFields(rec)
		if !ok || len(fields) == 0 {
			j.badLine = n
			return j
		}
		if n == 1 {
			if len(fields) != 3 || fields[0] != journalMagic || fields[1] != journalVersion || !validTxID(fields[2]) {
				j.badLine = n
				return j
			}
			j.txid = fields[2]
			continue
		}
		if j.planned {
			if len(fields) == 2 && fields[0] == "commit" && fields[1] == sum(data[:start]) {
				j.committed = true
				return j
			}
			j.badLine = n
			return j
		}
		s, ok := parseStep(fields, j.txid)
		if ok {
			j.steps = append(j.steps, s)
			continue
		}
		if len(fields) == 3 && fields[0] == "plan" && fields[1] == strconv.Itoa(len(j.steps)) && fields[2] == sum(data[:start]) {
			j.planned = true
			j.planLen = offset
			continue
		}
		j.badLine = n
		return j
	}
	return j
}

func checkLine(raw string) (string, bool) {
	if len(raw) < 9 || raw[len(raw)-9] != ' ' {
		return "", false
	}
	rec, crc := raw[:len(raw)-9], raw[len(raw)-8:]
	want, err := strconv.ParseUint(crc, 16, 32)
	if err != nil || uint32(want) != crc32.ChecksumIEEE([]byte(rec)) {
		return "", false
	}
	return rec, true
}

// splitFields splits a record into bare words and Go-quoted strings.
func splitFields(rec string) ([]string, bool) {
	var out []string
	for rec != "" {
		if rec[0] == '"' {
			q, err := strconv.QuotedPrefix(rec)
			if err != nil {
				return nil, false
			}
			s, err := strconv.Unquote(q)
			if err != nil {
				return nil, false
			}
			out = append(out, s)
			rec = rec[len(q):]
		} else {
			word, _, _ := strings.Cut(rec, " ")
			out = append(out, word)
			rec = rec[len(word):]
		}
		if rec == "" {
			break
		}
		if rec[0] != ' ' {
			return nil, false
		}
		rec = rec[1:]
	}
	return out, true
}

// parseStep reads a step record. Staged and backup names must be this
// transaction's own, so a damaged journal cannot name other files to move.
func parseStep(f []string, txid string) (step, bool) {
	switch {
	case len(f) == 3 && f[0] == "dir":
		mode, err := strconv.ParseUint(f[1], 8, 32)
		if err != nil || !validName(f[2]) {
			return step{}, false
		}
		return step{kind: "dir", mode: fs.FileMode(mode), dest: f[2]}, true
	case len(f) == 5 && f[0] == "mkdir":
		mode, err := strconv.ParseUint(f[1], 8, 32)
		uid, uerr := strconv.Atoi(f[2])
		gid, gerr := strconv.Atoi(f[3])
		if err != nil || uerr != nil || gerr != nil || !validName(f[4]) {
			return step{}, false
		}
		return step{kind: "mkdir", mode: fs.FileMode(mode), uid: uid, gid: gid, dest: f[4]}, true
	case len(f) == 4 && f[0] == "put":
		s := step{kind: "put", dest: f[1], temp: f[2], backup: f[3]}
		if !validName(s.dest) || s.temp != stagedName(txid, s.dest) || (s.backup != "" && s.backup != backupName(txid, s.dest)) {
			return step{}, false
		}
		return s, true
	case len(f) == 3 && f[0] == "del":
		s := step{kind: "del", dest: f[1], backup: f[2]}
		if !validName(s.dest) || s.backup != backupName(txid, s.dest) {
			return step{}, false
		}
		return s, true
	}
	return step{}, false
}

// validName accepts the resolved names New writes: clean, relative, not
// leaving the root.
func validName(name string) bool {
	return name != "" && name != "." && path.Clean(name) == name && !strings.HasPrefix(name, "/") &&
		name != ".." && !strings.HasPrefix(name, "../") && !strings.Contains(name, "\x00")
}

func validTxID(id string) bool {
	if len(id) != 16 {
		return false
	}
	_, err := strconv.ParseUint(id, 16, 64)
	return err == nil
}
