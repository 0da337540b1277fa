package lessons

import (
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// FuzzClassReport: any bytes as an export file give a row or a bad-file
// entry, never a panic.
func FuzzClassReport(f *testing.F) {
	f.Add([]byte(`{"version":1,"seed":"ab","student":"kim","lessons":{"perm-octal":{"dir":"/x","step":3,"done":[1,2]}}}`))
	f.Add([]byte(`{"version":1,"seed":"ab","lessons":{"perm-octal":{"step":99,"done":[-1,0,1000]}}}`))
	f.Add([]byte(`{"seed":"ab","lessons":{"perm-octal":null}}`))
	f.Add([]byte(`{"broken": `))
	f.Add([]byte(`[]`))
	all, err := All()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewClassReport(all, []ExportFile{{Name: "f.json", Data: data}})
		if len(r.Rows)+len(r.Bad) != 1 {
			t.Fatalf("%d rows, %d bad", len(r.Rows), len(r.Bad))
		}
		for _, row := range r.Rows {
			if row.StepsDone < 0 || row.StepsDone > r.StepsTotal {
				t.Fatalf("steps done %d of %d", row.StepsDone, r.StepsTotal)
			}
		}
	})
}

// FuzzQuizGrade: grading never panics, and the answer itself is always
// right.
func FuzzQuizGrade(f *testing.F) {
	for _, s := range []string{"754", "0754", "rwxr-xr--", "-rwxr-xr--", "yes", "아니요", "a b c", "b", "2", "b)", ""} {
		f.Add(s)
	}
	kinds := []string{AnsOctal, AnsSymbolic, AnsYesNo, AnsNames, AnsNumber, AnsChoice}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range kinds {
			q := Question{Kind: k, Answer: s}
			if k == AnsChoice {
				q.Answer = "b"
				q.Choices = []i18n.Text{{En: "x", Ko: "엑스"}, {En: s, Ko: s}}
			}
			q.Grade(s)
			q.Grade(" " + s + " ")
		}
		q := Question{Kind: AnsNames, Answer: "x y"}
		if !q.Grade("y x") {
			t.Fatal("names in another order")
		}
	})
}
