package ipk

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"testing"
)

func arHeader(name string, size int) string {
	return fmt.Sprintf("%-16s%-12d%-6d%-6d%-8o%-10d`\n", name, 0, 0, 0, 0o644, size)
}

// The ar dialects: GNU ("name/", "//" long-name table, "/" symbol table) and
// BSD ("#1/N", name stored before the content), odd sizes padded with "\n".
func TestArDialects(t *testing.T) {
	t.Parallel()
	long := "a-member-name-longer-than-sixteen"
	var gnu bytes.Buffer
	gnu.WriteString(arMagic)
	gnu.WriteString(arHeader("/", 4) + "\x00\x00\x00\x00")
	table := long + "/\n"
	gnu.WriteString(arHeader("//", len(table)) + table + "\n") // odd: padded
	gnu.WriteString(arHeader("/0", 3) + "abc\n")
	gnu.WriteString(arHeader("short/", 2) + "de")
	var bsd bytes.Buffer
	bsd.WriteString(arMagic)
	bsd.WriteString(arHeader(fmt.Sprintf("#1/%d", len(long)), len(long)+3) + long + "abc")
	bsd.WriteString(arHeader("short", 2) + "de")
	for name, archive := range map[string][]byte{"gnu": gnu.Bytes(), "bsd": bsd.Bytes()} {
		a := &arReader{r: bytes.NewReader(archive[len(arMagic):]), maxZeros: 1024}
		var got []string
		for {
			n, size, err := a.next(1 << 20)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			body, err := io.ReadAll(a)
			if err != nil || int64(len(body)) != size {
				t.Fatalf("%s: %s: %q %v", name, n, body, err)
			}
			got = append(got, n+"="+string(body))
		}
		if want := []string{long + "=abc", "short=de"}; !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestArBadHeaders(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]string{
		"negative size":      arHeader("x/", 0)[:48] + "-1        `\n",
		"size not a number":  arHeader("x/", 0)[:48] + "1e3       `\n",
		"no terminator":      arHeader("x/", 0)[:58] + "\n\n",
		"over the limit":     arHeader("x/", 1<<30),
		"dangling long name": arHeader("/99", 0),
		"empty name":         arHeader("", 0),
	} {
		a := &arReader{r: bytes.NewReader([]byte(h)), maxZeros: 1024}
		if _, _, err := a.next(1 << 20); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := err.(*errArHeader); !ok {
			t.Errorf("%s: %T %v", name, err, err)
		}
	}
}
