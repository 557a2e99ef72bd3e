package ipk

import "testing"

func TestCleanName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, want string
		reason    Reason
	}{
		{"./usr/bin/x", "usr/bin/x", 0},
		{"usr/bin/", "usr/bin", 0},
		{"./", "", 0},
		{".", "", 0},
		{"././a", "a", 0},
		{"a//b/./c/", "a/b/c", 0},
		{"a/.", "a", 0},
		{".hidden/..x/x..", ".hidden/..x/x..", 0},
		{"/x", "", ReasonAbsolutePath},
		{"//x", "", ReasonAbsolutePath},
		{"..", "", ReasonDotDot},
		{"a/..", "", ReasonDotDot},
		{"./a/../b", "", ReasonDotDot},
		{"", "", ReasonBadName},
		{"a\x00b", "", ReasonBadName},
	}
	for _, tt := range tests {
		got, reason := cleanName(tt.raw)
		if got != tt.want || reason != tt.reason {
			t.Errorf("cleanName(%q) = %q, %v; want %q, %v", tt.raw, got, reason, tt.want, tt.reason)
		}
	}
}
