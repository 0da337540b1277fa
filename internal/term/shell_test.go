package term

import (
	"reflect"
	"testing"
)

func TestShellWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"chmod 644 a.txt", []string{"chmod", "644", "a.txt"}},
		{"  echo 'a b'  \"c\td\" ; ls\t-l", []string{"echo", "'a b'", "\"c\td\"", ";", "ls", "-l"}},
		{`sh -c 'echo "x y"'`, []string{"sh", "-c", `'echo "x y"'`}},
		{"", nil},
	} {
		if got := ShellWords(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ShellWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
