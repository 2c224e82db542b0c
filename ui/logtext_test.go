package ui

import "testing"

func TestSafeText(t *testing.T) {
	tests := []struct {
		in            string
		plain, colour string
	}{
		{"plain", "plain", "plain"},
		{"\x1b[31mred\x1b[0m", "red", "\x1b[31mred\x1b[0m"},
		{"\x1b[1;38;5;208mbold\x1b[m", "bold", "\x1b[1;38;5;208mbold\x1b[m"},
		{"\x1b[2J\x1b[Hcleared", "cleared", "cleared"},
		{"\x1b[31m\x1b[10;10Hmoved", "moved", "\x1b[31mmoved"},
		{"copy\x1b]52;c;SGVsbG8=\x07me", "copyme", "copyme"},
		{"\x1b]0;evil title\x07x\x1b[32mgreen", "xgreen", "x\x1b[32mgreen"},
		{"\x1b[?1049hfull\x1b[?25l", "full", "full"},
		{"raw\x9b2Jcsi", `raw\x9b2Jcsi`, `raw\x9b2Jcsi`},
	}
	for _, tt := range tests {
		if got := SafeText(tt.in, false); got != tt.plain {
			t.Errorf("SafeText(%q, false) = %q, want %q", tt.in, got, tt.plain)
		}
		if got := SafeText(tt.in, true); got != tt.colour {
			t.Errorf("SafeText(%q, true) = %q, want %q", tt.in, got, tt.colour)
		}
	}
}
