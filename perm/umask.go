package perm

import (
	"strconv"
	"strings"
)

// Umask is what a umask value means for new files and directories.
type Umask struct {
	Umask Mode `json:"umask"`
	// File and Dir are the modes of a file made with open(..., 0666) and a
	// directory made with mkdir(..., 0777), as most programs do.
	File Mode `json:"file"`
	Dir  Mode `json:"dir"`
	// Symbolic is the `umask -S` form: the bits that are allowed.
	Symbolic string `json:"symbolic"`
}

// ParseUmask parses an octal umask of at most three digits after leading
// zeros (000 to 0777), as the shell's umask builtin does.
func ParseUmask(s string) (Mode, error) {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || s == "" || strings.HasPrefix(s, "+") || v > 0777 {
		return 0, &UmaskError{Value: s}
	}
	return Mode(v), nil
}

// UmaskError is an invalid umask value.
type UmaskError struct{ Value string }

func (e *UmaskError) Error() string {
	return "invalid umask: " + quote(e.Value) + " (octal, 000 to 777)"
}

// ExplainUmask returns the default modes under u.
func ExplainUmask(u Mode) Umask {
	u &= 0777
	allowed := 0777 &^ u
	var parts []string
	for i, who := range []string{"u", "g", "o"} {
		p := who + "="
		v := allowed >> uint(6-3*i) & 7
		for j, c := range "rwx" {
			if v&(4>>uint(j)) != 0 {
				p += string(c)
			}
		}
		parts = append(parts, p)
	}
	return Umask{Umask: u, File: 0666 &^ u, Dir: 0777 &^ u, Symbolic: strings.Join(parts, ",")}
}
