package perm

import (
	"errors"
	"testing"
)

// The cases of notes/perm.md; the differential test against the real chmod
// covers the rest.
func TestApplyTable(t *testing.T) {
	tests := []struct {
		dir   bool
		from  Mode
		umask Mode
		mode  string
		want  Mode
	}{
		{false, 0644, 022, "+x", 0755},
		{false, 0644, 077, "+x", 0744},
		{false, 0644, 077, "a+x", 0755},
		{false, 0777, 022, "-w", 0577},
		{false, 0777, 022, "a-w", 0555},
		{false, 0666, 022, "=r", 0444},
		{false, 0666, 077, "=rw", 0600},
		{false, 0755, 022, "=", 0000},
		{true, 02755, 022, "=", 02000},
		{false, 0640, 022, "g=u", 0660},
		{false, 0604, 022, "g+u", 0664},
		{false, 0754, 022, "go=u-w", 0755},
		{false, 0644, 022, "u+x,g=u", 0774},
		{false, 0644, 022, "a+X", 0644},
		{false, 0744, 022, "a+X", 0755},
		{true, 0644, 022, "a+X", 0755},
		{false, 0755, 022, "a-x,a+X", 0644},
		{false, 0744, 022, "a=X", 0111},
		{false, 0755, 022, "+s", 06755},
		{false, 0755, 022, "+t", 01755},
		{false, 0755, 022, "u+t", 0755},
		{false, 0755, 022, "o+s", 0755},
		{false, 0644, 022, "ug+s", 06644},
		{true, 02755, 022, "755", 02755},
		{true, 02755, 022, "0755", 02755},
		{true, 02755, 022, "00755", 0755},
		{true, 06755, 022, "=755", 0755},
		{true, 06755, 022, "-6000", 0755},
		{true, 06755, 022, "a-s", 0755},
		{true, 06755, 022, "u-s", 02755},
		{true, 01755, 022, "755", 0755},
		{false, 06755, 022, "755", 0755},
		{true, 02775, 022, "g=", 02705},
		{false, 02775, 022, "g=", 0705},
		{true, 06755, 022, "g=u", 06775},
		{false, 06755, 022, "g=u", 04775},
		{false, 0751, 022, "ug=o", 0111},
		{false, 0644, 022, "+755", 0755},
		{false, 0644, 022, "=+w", 0200},
		{false, 0644, 022, "u+", 0644},
		{false, 0644, 022, "+", 0644},
	}
	for _, tt := range tests {
		c, err := Compile(tt.mode)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.mode, err)
			continue
		}
		if got := c.Apply(tt.from, tt.dir, tt.umask); got != tt.want {
			t.Errorf("dir=%v %04o umask %03o chmod %s = %04o, want %04o", tt.dir, tt.from, tt.umask, tt.mode, got, tt.want)
		}
		if r := c.Explain(tt.from, tt.dir, tt.umask); r.Mode != tt.want {
			t.Errorf("Explain(%q).Mode = %v, want %04o", tt.mode, r.Mode, tt.want)
		}
	}
}

func TestCompileInvalid(t *testing.T) {
	for _, s := range []string{"u+z", "a+1", "8", "10000", "u+rw,", "g=ux", "", "u+755", "+755,", "+7777x", "ugo", ",", "u=r,,g=r", "x"} {
		_, err := Compile(s)
		var me *ModeError
		if !errors.As(err, &me) {
			t.Errorf("Compile(%q) err = %v, want *ModeError", s, err)
			continue
		}
		if want := "invalid mode: '" + s + "'"; err.Error() != want {
			t.Errorf("Compile(%q) = %q, want %q", s, err, want)
		}
	}
}
