package sign

import (
	"bytes"
	"encoding/base64"
	"strings"
)

const (
	commentPrefix = "untrusted comment: "
	// maxComment is the longest comment signify reads back (its buffer is
	// 1024 bytes with the terminating NUL).
	maxComment = 1023
	algEd      = "Ed"
	algBcrypt  = "BK"
)

// b64 is strict about the unused bits of the last character, as BSD's
// b64_pton (signify) is, so each record has exactly one spelling.
var b64 = base64.StdEncoding.Strict()

// decodeFile splits a key or signature file into its comment and the record
// its base64 line decodes to, which must be want bytes long and start with
// "Ed".
func decodeFile(name, kind string, data []byte, want int) (comment string, record []byte, err error) {
	fail := func(line int, err error) (string, []byte, error) {
		return "", nil, &SyntaxError{File: name, Line: line, Kind: kind, Err: err}
	}
	first, rest, found := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimSuffix(first, []byte("\r"))
	if !bytes.HasPrefix(first, []byte(commentPrefix)) {
		return fail(1, ErrCommentLine)
	}
	if !found {
		return fail(2, ErrMissingData)
	}
	// usign reads the base64 to the end of the file, so a key whose last
	// line lacks its newline is accepted; signify refuses it.
	line, after, _ := bytes.Cut(rest, []byte("\n"))
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return fail(2, ErrMissingData)
	}
	for n := 3; len(after) > 0; n++ {
		var l []byte
		l, after, _ = bytes.Cut(after, []byte("\n"))
		if len(bytes.TrimSpace(l)) != 0 {
			return fail(n, ErrTrailingData)
		}
	}
	// Decode at most a little more than a record's worth, so hostile input
	// allocates nothing in proportion to its size.
	if len(line) > b64.EncodedLen(want)+4 {
		pad := len(line) - len(bytes.TrimRight(line, "="))
		return fail(2, &LengthError{Got: b64.DecodedLen(len(line)) - min(pad, 2), Want: want})
	}
	record = make([]byte, b64.DecodedLen(len(line)))
	n, err := b64.Decode(record, line)
	if err != nil {
		return fail(2, &Base64Error{Err: err})
	}
	if n != want {
		return fail(2, &LengthError{Got: n, Want: want})
	}
	record = record[:n]
	if alg := string(record[:2]); alg != algEd {
		return fail(2, &AlgorithmError{Field: "signature algorithm", Got: alg, Want: algEd})
	}
	return string(first[len(commentPrefix):]), record, nil
}

// encodeFile is the file signify-openbsd writes: comment line, base64 line.
func encodeFile(comment string, record []byte) []byte {
	out := make([]byte, 0, len(commentPrefix)+len(comment)+1+b64.EncodedLen(len(record))+1)
	out = append(out, commentPrefix...)
	out = append(out, comment...)
	out = append(out, '\n')
	out = b64.AppendEncode(out, record)
	return append(out, '\n')
}

// checkComment refuses comments that would not come back unchanged from a
// file, or that signify would refuse.
func checkComment(c string) error {
	switch {
	case strings.ContainsAny(c, "\n\r\x00"):
		return &CommentError{Comment: c, Reason: "contains a line break or NUL"}
	case len(c) > maxComment:
		return &CommentError{Comment: c, Reason: "is longer than 1023 bytes"}
	}
	return nil
}
