package model

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{850, "850ns"},
		{999, "999ns"},
		{1500, "1.5µs"},
		{850 * time.Microsecond, "850µs"},
		{999_700, "1ms"},
		{1200 * time.Microsecond, "1.2ms"},
		{12 * time.Millisecond, "12ms"},
		{26_574 * time.Microsecond, "27ms"},
		{1200 * time.Millisecond, "1.2s"},
		{2 * time.Second, "2s"},
		{45 * time.Second, "45s"},
		{59_960 * time.Millisecond, "1m"},
		{90 * time.Second, "1m30s"},
		{100 * time.Second, "1m40s"},
		{59*time.Minute + 59_600*time.Millisecond, "1h"},
		{2 * time.Hour, "2h"},
		{2*time.Hour + 5*time.Minute + 20*time.Second, "2h5m"},
		{25 * time.Hour, "1d1h"},
		{50 * time.Hour, "2d2h"},
		{-3 * time.Millisecond, "-3ms"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestFormatAge(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{300 * time.Millisecond, "0s"},
		{-2 * time.Second, "0s"},
		{3400 * time.Millisecond, "3s"},
		{59_900 * time.Millisecond, "59s"},
		{100 * time.Second, "1m40s"},
		{170 * time.Second, "2m50s"},
		{25 * time.Hour, "1d1h"},
	}
	for _, tt := range tests {
		if got := FormatAge(tt.d); got != tt.want {
			t.Errorf("FormatAge(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
