// Package realdata locates the real-device data set (feed indexes, status
// databases, keys) that tests, fuzz seeds and benchmarks use. The data lives
// outside the module, in ../shared/data beside the checkout, or wherever
// PAKT_SHARED_DATA points; when it is absent (a bare checkout), tests that
// need it are skipped with a message saying so, never silently passed.
package realdata

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// EnvVar overrides where the data set is looked for.
const EnvVar = "PAKT_SHARED_DATA"

// Dir returns the data directory, or skips the test when there is none.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv(EnvVar); d != "" {
		if isDataDir(d) {
			return d
		}
		tb.Fatalf("%s=%s does not hold the shared data set (no README.md and feeds/)", EnvVar, d)
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatalf("getwd: %v", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		for _, cand := range []string{filepath.Join(dir, "shared", "data"), filepath.Join(dir, "..", "shared", "data")} {
			if isDataDir(cand) {
				return filepath.Clean(cand)
			}
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	tb.Skipf("real-device data set not found (looked for ../shared/data above %s; set %s)", wd, EnvVar)
	return ""
}

func isDataDir(d string) bool {
	if st, err := os.Stat(filepath.Join(d, "feeds")); err != nil || !st.IsDir() {
		return false
	}
	_, err := os.Stat(filepath.Join(d, "README.md"))
	return err == nil
}

// Glob returns the sorted matches of pattern under the data directory.
func Glob(tb testing.TB, pattern string) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(Dir(tb), pattern))
	if err != nil {
		tb.Fatalf("glob %s: %v", pattern, err)
	}
	sort.Strings(m)
	return m
}

// Feeds returns the feed directories (data/feeds/<name>).
func Feeds(tb testing.TB) []string { return Glob(tb, "feeds/*") }

// StatusSets returns the installed-database directories (data/status/<name>).
func StatusSets(tb testing.TB) []string { return Glob(tb, "status/*") }

// Read returns the bytes of a file under the data directory.
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(tb), rel))
	if err != nil {
		tb.Fatalf("read %s: %v", rel, err)
	}
	return b
}
