package lessons_test

import (
	"os"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// Grading results as TAP version 13: one test point per step, a YAML
// block with what the check saw under each failure.
func ExampleWriteTAP() {
	cases := []lessons.Case{
		{Lesson: "perm-octal", Step: 1, Title: i18n.T("chmod 777", "chmod 777"), Status: lessons.StatusPass},
		{Lesson: "perm-octal", Step: 2, Title: i18n.T("754 for a script", "스크립트에 754"), Status: lessons.StatusFail,
			Result: lessons.StepResult{Step: 2, Criteria: []lessons.Criterion{{Saw: "0644", Want: "0754",
				Line: i18n.T("script.sh is 0644; the task asks for 0754", "script.sh: 0644입니다. 과제는 0754입니다")}}}},
		{Lesson: "containers", Step: 3, Title: i18n.T("Its own host name", "자기만의 호스트 이름"), Status: lessons.StatusSkip,
			Note: i18n.T("needs root, and the grader is not root", "root가 필요한데 채점기가 root가 아닙니다")},
	}
	lessons.WriteTAP(os.Stdout, cases, i18n.EN)
	// Output:
	// TAP version 13
	// 1..3
	// # perm-octal
	// ok 1 - perm-octal step 1: chmod 777
	// not ok 2 - perm-octal step 2: 754 for a script
	//   ---
	//   message: script.sh is 0644; the task asks for 0754
	//   severity: fail
	//   lesson: perm-octal
	//   step: 2
	//   criteria:
	//     - ok: false
	//       saw: "0644"
	//       want: "0754"
	//       text: script.sh is 0644; the task asks for 0754
	//   ...
	// # containers
	// ok 3 - containers step 3: Its own host name # SKIP needs root, and the grader is not root
}
