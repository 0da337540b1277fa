package lessons_test

import (
	"fmt"
	"os"

	"github.com/sysdojo/sysdojo/lessons"
)

// A lesson is data: bind it to a student's seed, set up a workspace, and
// check a step against the real files.
func Example() {
	l, err := lessons.Get("perm-octal")
	if err != nil {
		panic(err)
	}
	b := l.Bind("00000000000000ff", nil)
	dir, _ := os.MkdirTemp("", "lesson")
	defer os.RemoveAll(dir)
	b.Setup(dir)
	r := b.CheckStep(1, lessons.Env{Dir: dir})
	fmt.Println(r.Passed)
	fmt.Println(r.Criteria[0].Line.En)
	os.Chmod(dir+"/sample.txt", 0o777)
	fmt.Println(b.CheckStep(1, lessons.Env{Dir: dir}).Passed)
	// Output:
	// false
	// sample.txt is 0644 (rw-r--r--): the owner cannot execute yet; the group cannot write or execute yet; others cannot write or execute yet
	// true
}

// Values vary per student, and stay the same for one student.
func ExampleLesson_Bind() {
	l, _ := lessons.Get("perm-octal")
	fmt.Println(l.Bind("00000000000000ff", nil).Value("rmode"))
	fmt.Println(l.Bind("0000000000000001", nil).Value("rmode"))
	// Output:
	// 0640
	// 0600
}
