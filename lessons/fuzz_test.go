package lessons

import (
	"io/fs"
	"testing"
)

// FuzzParse: no input makes the lesson parser panic, and whatever it
// accepts is a valid lesson.
func FuzzParse(f *testing.F) {
	names, _ := fs.Glob(content, "content/*.yaml")
	// Two real lessons as seeds: more makes each fuzzing run crawl.
	for _, n := range names[:2] {
		data, _ := fs.ReadFile(content, n)
		f.Add(data)
	}
	f.Add([]byte("id: x\nsteps: []\n"))
	f.Add([]byte(fileLesson)) // an instructor's lesson, with a script check
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		if err := l.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid lesson: %v", err)
		}
		b := l.Bind("0000000000000001", map[string]string{"user": "u", "group": "g"})
		if len(b.Steps) != len(l.Steps) {
			t.Fatal("Bind lost steps")
		}
	})
}
