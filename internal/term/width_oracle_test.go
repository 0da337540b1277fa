package term

import (
	"testing"
	"unicode"

	"github.com/mattn/go-runewidth"
)

// RuneWidth agrees with go-runewidth (East Asian ambiguous counted as one)
// over the scripts and symbols sysdojo prints: Latin, Hangul syllables and
// jamo, CJK, full-width forms, arrows, box drawing, dingbats, emoji.
// Only characters Unicode 15 already had, with the width it gave them:
// x/text's tables are Unicode 15, go-runewidth's 17, which made the
// trigram symbols (U+2630…) wide and added U+1F6D8.
func TestRuneWidthMatchesRunewidth(t *testing.T) {
	c := runewidth.NewCondition()
	c.EastAsianWidth = false
	ranges := [][2]rune{{0, 0x36f}, {0x1100, 0x11ff}, {0x2000, 0x2bff}, {0x3000, 0x30ff},
		{0x3130, 0x318f}, {0x4e00, 0x4fff}, {0xac00, 0xd7ff}, {0xfe00, 0xffef}, {0x1f300, 0x1f6ff}}
	bad := 0
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			if unicode16(r) {
				continue
			}
			if got, want := RuneWidth(r), c.RuneWidth(r); got != want {
				if bad++; bad <= 20 {
					t.Errorf("RuneWidth(%U %q) = %d, runewidth says %d", r, r, got, want)
				}
			}
		}
	}
	if bad > 20 {
		t.Errorf("... %d runes differ in all", bad)
	}
}

// unicode16 reports whether Unicode 16 or 17 assigned r or changed its
// width.
func unicode16(r rune) bool {
	if r >= 0x2630 && r <= 0x2637 || r >= 0x268a && r <= 0x268f || r == 0x1f6d8 {
		return true
	}
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.C)
}
