package feedtest

import (
	"bytes"
	"fmt"
	"strings"
)

// txtarFile is one file of a txtar archive.
type txtarFile struct {
	name string
	data []byte
}

// parseTxtar reads the txtar format of golang.org/x/tools/txtar (kept to
// the standard library here): a comment, then files, each introduced by a
// line "-- name --" and holding the lines up to the next marker. A file's
// content ends with a newline unless it is empty.
func parseTxtar(data []byte) ([]txtarFile, error) {
	var files []txtarFile
	var cur *txtarFile
	seen := map[string]bool{}
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		if name, ok := markerName(line); ok {
			if seen[name] {
				return nil, fmt.Errorf("feedtest: file %q appears twice", name)
			}
			seen[name] = true
			files = append(files, txtarFile{name: name, data: []byte{}})
			cur = &files[len(files)-1]
			continue
		}
		if cur != nil {
			cur.data = append(cur.data, line...)
			cur.data = append(cur.data, '\n')
		}
	}
	return files, nil
}

func markerName(line []byte) (string, bool) {
	s := strings.TrimRight(string(line), "\r")
	if !strings.HasPrefix(s, "-- ") || !strings.HasSuffix(s, " --") || len(s) < 7 {
		return "", false
	}
	name := strings.TrimSpace(s[3 : len(s)-3])
	return name, name != ""
}
